import { STAFF_KNOWLEDGE_LIMITS, STAFF_KNOWLEDGE_ROUTES } from '@prex/protocol/wire';
import type { ErrorBody, JobDetailResponse } from '@prex/protocol';
import { ApiError, csrfHeaders } from '../api.js';

/**
 * Sends one file to the knowledge base with XMLHttpRequest, the one browser API that reports
 * upload progress (fetch does not). Resolves with the queued job; rejects with the server's
 * reason in words (413 too big, 415 unsupported format, …).
 */
export function uploadFile(file: File, onProgress: (fraction: number) => void): Promise<JobDetailResponse> {
  // Refused before sending: 20 MB would cross the wire only to be turned away.
  if (file.size > STAFF_KNOWLEDGE_LIMITS.maxFileBytes) {
    return Promise.reject(new Error(`“${file.name}” is larger than ${STAFF_KNOWLEDGE_LIMITS.maxFileBytes / 1024 / 1024} MB, the most one file may be`));
  }
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', STAFF_KNOWLEDGE_ROUTES.documents);
    for (const [name, value] of Object.entries(csrfHeaders())) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      if (xhr.status === 202) return resolve(xhr.response as JobDetailResponse);
      const error = (xhr.response as ErrorBody | null)?.error;
      reject(new ApiError(xhr.status, error?.code ?? 'internal', error?.message ?? `The server answered ${xhr.status}`));
    };
    xhr.onerror = () => reject(new TypeError('network'));
    const form = new FormData();
    form.append('files', file, file.name);
    xhr.send(form);
  });
}
