import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { formatBytes, formatCount, MAX_ZIP_ENTRIES, MAX_ZIP_INFLATED_BYTES } from './limits.js';
import { ParseError } from './types.js';

/**
 * Refuses a zip archive (a DOCX) that would inflate past MAX_ZIP_INFLATED_BYTES or holds more than
 * MAX_ZIP_ENTRIES entries, before a reader that inflates whole parts into memory (mammoth) sees it.
 * First the central directory: its entry count and declared sizes, which cost nothing to read. Then,
 * since declared sizes can lie, every entry is inflated as a stream and its actual bytes counted,
 * stopping at the limit: at most MAX_ZIP_INFLATED_BYTES are ever produced, and none are kept.
 */
export async function checkZipLimits(bytes: Uint8Array, what: string): Promise<void> {
  const zip = await openZip(bytes, what);
  try {
    if (zip.entryCount > MAX_ZIP_ENTRIES) throw tooManyEntries(what);
    const entries = await readEntries(zip, what);
    const declared = entries.reduce((sum, e) => sum + e.uncompressedSize, 0);
    if (declared > MAX_ZIP_INFLATED_BYTES) {
      throw new ParseError('limit', `${what} declares ${formatBytes(declared)} once unpacked, over the ${formatBytes(MAX_ZIP_INFLATED_BYTES)} limit for a DOCX: refused as a possible zip bomb`);
    }
    let inflated = 0;
    for (const entry of entries) inflated = await countInflated(zip, entry, inflated, what);
  } finally {
    zip.close();
  }
}

function openZip(bytes: Uint8Array, what: string): Promise<ZipFile> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return new Promise((resolve, reject) => {
    // autoClose off: entries are listed first and inflated after; closed in checkZipLimits.
    yauzl.fromBuffer(buffer, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false }, (err, zip) => {
      if (err || !zip) reject(unreadable(what, err));
      else resolve(zip);
    });
  });
}

/** The central directory's file entries (folders hold no data). */
function readEntries(zip: ZipFile, what: string): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: Entry[] = [];
    zip.on('entry', (entry: Entry) => {
      if (!entry.fileName.endsWith('/')) entries.push(entry);
      if (entries.length > MAX_ZIP_ENTRIES) reject(tooManyEntries(what));
      else zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', (err: Error) => reject(unreadable(what, err)));
    zip.readEntry();
  });
}

/** Inflates one entry, counting its bytes onto `before`; stops as soon as the total is over the limit. */
function countInflated(zip: ZipFile, entry: Entry, before: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(unreadable(what, err));
      let total = before;
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > MAX_ZIP_INFLATED_BYTES) {
          stream.destroy();
          reject(new ParseError('limit', `${what} inflates to more than ${formatBytes(MAX_ZIP_INFLATED_BYTES)} (the limit for a DOCX's unpacked parts; "${entry.fileName}" alone declares ${formatBytes(entry.uncompressedSize)}): refused as a possible zip bomb`));
        }
      });
      stream.once('end', () => resolve(total));
      stream.once('error', (e: Error) => {
        // yauzl's validateEntrySizes: the entry inflates to more than its header declares.
        if (/too many bytes/.test(e.message)) {
          reject(new ParseError('limit', `${what} is refused as a possible zip bomb: "${entry.fileName}" declares ${formatBytes(entry.uncompressedSize)} but inflates to more`));
        } else reject(unreadable(what, e));
      });
    });
  });
}

function tooManyEntries(what: string): ParseError {
  return new ParseError('limit', `${what} holds more than ${formatCount(MAX_ZIP_ENTRIES)} zip entries (the limit for a DOCX): refused as a possible zip bomb`);
}

function unreadable(what: string, err: unknown): ParseError {
  return new ParseError('unreadable', `${what} could not be read as a DOCX (zip): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}
