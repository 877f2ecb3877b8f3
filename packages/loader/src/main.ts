import { install, type PrexWindow } from './loader.js';

// Imported on a server (SSR, a Node script, a bundler's prerender) there is no page: do nothing.
// (`typeof window` is the check that costs the fewest gzipped bytes.)
if (typeof window != 'undefined') {
  // Only true while this script runs for the first time: capture it synchronously.
  const script = document.currentScript as HTMLScriptElement | null;
  // data-prex-namespace="Support" → window.Support (a second, separate instance on the page).
  const ns = script?.getAttribute('data-prex-namespace');
  install(window as PrexWindow, script, undefined, ns && /^[A-Za-z_$][\w$]{0,39}$/.test(ns) ? ns : 'Prex');
}
