/**
 * Applies CSS to a shadow root with a constructable stylesheet (works under a strict
 * `style-src 'self'` CSP). Browsers without constructable sheets (pre-2023) get a <style>.
 * Returns a function that removes it again.
 */
export function adoptStyles(root: ShadowRoot, css: string): () => void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    return () => {
      root.adoptedStyleSheets = root.adoptedStyleSheets.filter((s) => s !== sheet);
    };
  } catch {
    const style = (root.ownerDocument ?? document).createElement('style');
    style.textContent = css;
    root.prepend(style);
    return () => style.remove();
  }
}
