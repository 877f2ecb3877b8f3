import { ROUTES } from '@prex/protocol';

/**
 * The <script> tag a tenant pastes on its site. `base` is where this server is reached
 * (PREX_PUBLIC_URL, origin and path prefix, else the request's origin).
 */
export function embedSnippet(base: string, publishableKey: string): string {
  return `<script src="${base}${ROUTES.loaderScript}" data-prex-key="${publishableKey}" async></script>`;
}
