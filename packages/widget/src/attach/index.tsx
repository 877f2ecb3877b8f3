/**
 * Attachments (a lazy chunk, loaded on the first file attached or shown): uploads with a progress
 * bar and their errors in words, above the composer; the files of a message, fetched with the
 * session token (an image as a thumbnail once fetched, any file opened or saved on click). Every
 * name is text in DOM nodes built by Preact.
 */
import { signal, type Signal } from '@preact/signals';
import { attachmentPath, type WireAttachment } from '@prex/protocol/attachments-wire';
import { useEffect, useRef, useState } from 'preact/hooks';
import { fromServer, type UiMessage } from '../message.js';
import type { Store } from '../store.js';
import { adoptStyles } from '../styles.js';
import css from './attach.css?inline';
import { fetchFile, uploadFile, UploadError, type UploadTarget } from './upload.js';

interface Upload {
  key: number;
  name: string;
  progress: Signal<number>;
  error: Signal<string | null>;
}

/** Files one drop or paste may carry: more is almost always a mistake. */
const MAX_FILES_AT_ONCE = 5;
const uploads = new WeakMap<Store, Signal<Upload[]>>();
const styled = new WeakSet<Node>();
let keys = 0;

const listOf = (store: Store) => {
  let list = uploads.get(store);
  if (!list) uploads.set(store, (list = signal([])));
  return list;
};

async function target(store: Store): Promise<UploadTarget> {
  return { base: store.api.base, publishableKey: store.api.publishableKey, token: await store.session() };
}

/** Sends the files one after another; each finished one joins the conversation as the visitor's message. */
export async function upload(store: Store, files: File[]): Promise<void> {
  const list = listOf(store);
  const batch = files.slice(0, MAX_FILES_AT_ONCE).map((file) => ({ file, u: { key: ++keys, name: file.name || 'image', progress: signal(0), error: signal<string | null>(null) } }));
  list.value = [...list.peek().filter((u) => !u.error.peek()), ...batch.map((b) => b.u)];
  for (const { file, u } of batch) {
    try {
      const message = await uploadFile(await target(store), file, (done) => (u.progress.value = done));
      store.append(fromServer({ ...message, status: 'complete', sources: [] }));
      list.value = list.peek().filter((x) => x !== u);
    } catch (e) {
      u.error.value = e instanceof UploadError ? e.message : 'The file could not be sent. Please try again.';
    }
  }
  if (files.length > MAX_FILES_AT_ONCE) {
    const u: Upload = { key: ++keys, name: '', progress: signal(1), error: signal(`Only ${MAX_FILES_AT_ONCE} files at a time: send the others after these.`) };
    list.value = [...list.peek(), u];
  }
}

/** This chunk's CSS, once per shadow root, adopted by whichever of its parts shows first. */
function useStyles<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    const root = ref.current?.getRootNode();
    if (root instanceof ShadowRoot && !styled.has(root)) {
      styled.add(root);
      adoptStyles(root, css);
    }
  }, []);
  return ref;
}

/** Above the composer: each upload's bar while it goes, its error (an alert) if it failed. */
export function Uploads({ store }: { store: Store }) {
  const ref = useStyles<HTMLUListElement>();
  const list = listOf(store).value;
  return (
    <ul class="prex-uploads" ref={ref} data-testid="prex-uploads">
      {list.map((u) => (
        <li key={u.key} class="prex-upload" data-testid="prex-upload" data-state={u.error.value ? 'error' : 'sending'}>
          {u.error.value ? (
            <>
              <span role="alert">{u.name ? `${u.name}: ${u.error.value}` : u.error.value}</span>
              <button type="button" class="prex-link" aria-label="Dismiss" onClick={() => (listOf(store).value = listOf(store).peek().filter((x) => x !== u))}>
                ×
              </button>
            </>
          ) : (
            <>
              <span>{u.name}</span>
              <progress max={1} value={u.progress.value} aria-label={`Sending ${u.name}`} data-testid="prex-upload-progress" />
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The files of one message, as the visitor's bubble shows them. */
export function Files({ m, store }: { m: UiMessage; store: Store }) {
  return (
    <div class="prex-files" data-testid="prex-files" ref={useStyles<HTMLDivElement>()}>
      {m.files!.map((f) => (
        <FileLink key={f.id} f={f} store={store} />
      ))}
    </div>
  );
}

function FileLink({ f, store }: { f: WireAttachment; store: Store }) {
  const [url, setUrl] = useState<string | null>(null);
  const image = f.contentType.startsWith('image/');
  const load = async () => url ?? URL.createObjectURL(await fetchFile(await target(store), attachmentPath(f.id)));
  useEffect(() => {
    let made: string | undefined;
    if (image) void load().then((u) => setUrl((made = u)), () => undefined);
    return () => made && URL.revokeObjectURL(made);
  }, [f.id]);
  // A button, not a link: the file needs the token, which only a fetch can send.
  const open = async () => {
    const a = document.createElement('a');
    a.href = await load();
    if (image) a.target = '_blank';
    else a.download = f.name;
    a.rel = 'noopener';
    a.click();
  };
  return (
    <button type="button" class="prex-file" data-testid="prex-file" onClick={() => void open().catch(() => undefined)}>
      {/* A host page whose CSP has no `img-src blob:` refuses the thumbnail: the name alone stays. */}
      {url && <img src={url} alt="" onError={() => setUrl(null)} />}
      <span>{f.name}</span>
    </button>
  );
}
