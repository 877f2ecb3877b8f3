import type { AttachmentUploadResponse, ErrorBody } from '@prex/protocol';
import { ATTACHMENT_ROUTES } from '@prex/protocol/attachments-wire';
// From the pane's copy of wire: vite.config.ts keeps everything the entry reaches in pane.js.
import { PUBLISHABLE_KEY_HEADER } from '@prex/protocol/wire';

export interface UploadTarget {
  base: string;
  publishableKey: string;
  token: string;
}

/** Why an upload failed, in words a visitor reads (the server's own message for what it refused). */
export class UploadError extends Error {}

/**
 * POSTs one file as the request body, reporting progress (0..1) as the bytes leave: XHR, since
 * fetch cannot tell upload progress. The server checks type and size again; its 4xx message
 * ("The file is larger than this workspace takes (10 MB)…") is what the visitor sees.
 */
export function uploadFile(target: UploadTarget, file: File, onProgress: (done: number) => void): Promise<AttachmentUploadResponse['message']> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${target.base}${ATTACHMENT_ROUTES.upload}?name=${encodeURIComponent(file.name || 'pasted-image')}`);
    xhr.setRequestHeader(PUBLISHABLE_KEY_HEADER, target.publishableKey);
    xhr.setRequestHeader('authorization', `Bearer ${target.token}`);
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status === 201) return resolve((body as AttachmentUploadResponse).message);
      const message = (body as Partial<ErrorBody> | undefined)?.error?.message;
      reject(new UploadError(message && xhr.status < 500 ? message : `The file could not be sent (error ${xhr.status}). Please try again.`));
    };
    xhr.onerror = () => reject(new UploadError('The file could not be sent: check your connection and try again.'));
    xhr.send(file);
  });
}

/** GETs a file of this conversation as a blob (the token goes in a header, so an <img src> cannot fetch it itself). */
export async function fetchFile(target: UploadTarget, path: string): Promise<Blob> {
  const res = await fetch(target.base + path, {
    headers: { [PUBLISHABLE_KEY_HEADER]: target.publishableKey, authorization: `Bearer ${target.token}` },
    credentials: 'omit',
    mode: 'cors',
  });
  if (!res.ok) throw new UploadError(`The file could not be opened (error ${res.status}).`);
  return res.blob();
}
