/**
 * Saves JSON as a file through a Blob URL and a temporary `<a download>`: no navigation, no
 * server round trip, and nothing a strict CSP forbids (a blob: download is not a fetch).
 */
export function downloadJson(data: unknown, filename: string, doc: Document = document): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  doc.body.append(a);
  a.click();
  a.remove();
  // The download has started by the next task; the URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
