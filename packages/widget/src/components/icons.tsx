/** Inline SVG icons (stroke = currentColor); decorative, so hidden from assistive tech. */
const icon = (d: string) => () => (
  <svg viewBox="0 0 24 24" aria-hidden="true">
    <path d={d} />
  </svg>
);

export const CloseIcon = icon('M6 6l12 12M18 6L6 18');
export const SendIcon = icon('M5 12h13M12 5l7 7-7 7');
export const StopIcon = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true">
    <rect x="5" y="5" width="14" height="14" rx="2" />
  </svg>
);
export const ThumbUpIcon = icon('M7 11v9H4v-9zM7 11l4-7a2 2 0 0 1 3 2l-1 4h5a2 2 0 0 1 2 2l-2 7a2 2 0 0 1-2 1H7');
export const ThumbDownIcon = icon('M7 13V4H4v9zM7 13l4 7a2 2 0 0 0 3-2l-1-4h5a2 2 0 0 0 2-2l-2-7a2 2 0 0 0-2-1H7');
export const BackIcon = icon('M19 12H5M11 5l-7 7 7 7');
export const ClipIcon = icon('M21 11l-8.5 8.5a5 5 0 0 1-7-7L14 4a3.3 3.3 0 0 1 4.7 4.7L10 17.4a1.7 1.7 0 0 1-2.4-2.4L15.5 7');
export const MicIcon = icon('M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3');
export const BotIcon = icon('M5 9h14v10H5zM12 5v4M9 13v1M15 13v1M9 17h6');
export const PersonIcon = icon('M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21a8 8 0 0 1 16 0');
/** Filled dots: stroked ones are 2px specks that look disabled beside the other icons. */
export const MoreIcon = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true" class="prex-fill">
    <circle cx="5" cy="12" r="2" />
    <circle cx="12" cy="12" r="2" />
    <circle cx="19" cy="12" r="2" />
  </svg>
);
