import { ATTACHMENT_ROUTES, type WireAttachment } from '@prex/protocol/attachments-wire';

/** The staff URL of a file; the console's session cookie goes with it (same origin), so a plain link or image works. */
const fileUrl = (id: string) => ATTACHMENT_ROUTES.staffFile.replace(':attachmentId', encodeURIComponent(id));

/** "2.4 MB", "310 KB". */
function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/**
 * Files a visitor attached, in the conversation: an image as a thumbnail that opens it full size,
 * anything else as a link that downloads it (the server sends it as a download). Built as DOM nodes
 * by Preact: the visitor's file name is only ever text or an attribute.
 */
export function AttachmentList({ attachments }: { attachments: readonly WireAttachment[] }) {
  return (
    <ul class="attachments" data-testid="attachments">
      {attachments.map((a) => (
        <li key={a.id}>
          <a href={fileUrl(a.id)} target="_blank" rel="noopener noreferrer" data-testid="attachment-link">
            {a.contentType.startsWith('image/') ? (
              <img class="thumb" src={fileUrl(a.id)} alt={a.name} loading="lazy" />
            ) : (
              <span class="file-icon" aria-hidden="true">
                📎
              </span>
            )}
            <span class="file-name">{a.name}</span>
            <span class="muted"> · {size(a.size)}</span>
          </a>
        </li>
      ))}
    </ul>
  );
}
