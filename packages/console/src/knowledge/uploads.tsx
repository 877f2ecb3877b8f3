import { useState } from 'preact/hooks';
import { STAFF_KNOWLEDGE_ROUTES } from '@prex/protocol/wire';
import type { JobDetailResponse } from '@prex/protocol';
import { api, messageOf, path } from '../api.js';
import { uploadFile } from './upload-file.js';

/** One file on its way: sent (progress), then parsed and indexed by the server's worker. */
interface Upload {
  id: number;
  name: string;
  progress: number;
  state: 'sending' | 'indexing' | 'ready' | 'failed';
  error?: string;
}

const POLL_MS = 1000;
let nextId = 0;

/**
 * Upload by drag and drop or a file input, many files at once, each sent on its own so each has
 * its own progress bar and its own error in words. A file with the name of a stored document is
 * that document's next version.
 */
export function Uploads({ onIndexed }: { onIndexed(): void }) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [over, setOver] = useState(false);
  const update = (id: number, change: Partial<Upload>) => setUploads((all) => all.map((u) => (u.id === id ? { ...u, ...change } : u)));

  async function send(file: File) {
    const id = nextId++;
    setUploads((all) => [...all, { id, name: file.name, progress: 0, state: 'sending' }]);
    try {
      let job = await uploadFile(file, (progress) => update(id, { progress }));
      update(id, { progress: 1, state: 'indexing' });
      while (job.status !== 'done') {
        await new Promise((r) => setTimeout(r, POLL_MS));
        job = await api<JobDetailResponse>('GET', path(STAFF_KNOWLEDGE_ROUTES.job, { jobId: job.jobId }));
      }
      const item = job.items[0];
      update(id, item?.status === 'ready' ? { state: 'ready' } : { state: 'failed', error: item?.error ?? 'The file could not be indexed' });
      onIndexed();
    } catch (error) {
      update(id, { state: 'failed', error: messageOf(error) });
    }
  }
  const sendAll = (files: FileList | null | undefined) => [...(files ?? [])].forEach((f) => void send(f));

  return (
    <section aria-labelledby="upload-title">
      <h2 id="upload-title">Upload</h2>
      <div
        class={`dropzone${over ? ' over' : ''}`}
        data-testid="dropzone"
        onDragOver={(e) => (e.preventDefault(), setOver(true))}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          sendAll(e.dataTransfer?.files);
        }}
      >
        <p>Drop Markdown, text, HTML, PDF, Word (.docx) or FAQ (.csv, .json) files here, or</p>
        <label>
          Choose files
          <input type="file" multiple onChange={(e) => (sendAll(e.currentTarget.files), (e.currentTarget.value = ''))} />
        </label>
        <p class="muted">A file named like a stored document replaces it as its next version.</p>
      </div>
      <ul class="uploads" aria-label="Uploads">
        {uploads.map((u) => (
          <li key={u.id} data-testid="upload" data-state={u.state}>
            <span>{u.name}</span>
            <progress max={1} value={u.progress} aria-label={`Upload of ${u.name}`} />
            <span class={u.state === 'failed' ? 'error' : 'muted'} role={u.state === 'failed' ? 'alert' : undefined}>
              {u.state === 'failed' ? u.error : STATE_WORDS[u.state]}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

const STATE_WORDS = { sending: 'Sending…', indexing: 'Indexing…', ready: 'Ready', failed: 'Failed' } as const;
