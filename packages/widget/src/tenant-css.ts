import { TENANT_CSS_PROPERTY, tenantCssValueOffence } from '@prex/protocol/wire';

/**
 * Tenant (or host-override) CSS reduced to what the allow-list in @prex/protocol's tenant-css-rules.ts
 * permits: style rules and top-level @media, allow-listed properties, values that cannot fetch.
 * The browser parses it, so the parse that decides what is checked is the parse that applies it
 * (no parser differential), and the pane's byte budget pays for no CSS library. A constructable
 * sheet that is never adopted fetches nothing: replaceSync ignores @import, and url()s load only
 * once a rule styles an element. Browsers without constructable sheets get no tenant CSS at all.
 */
export function sanitizeTenantCss(css: string): string {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    return keptRules(sheet.cssRules, true);
  } catch {
    return '';
  }
}

function keptRules(rules: CSSRuleList, topLevel: boolean): string {
  let out = '';
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (rule instanceof CSSStyleRule) out += `${rule.selectorText}{${keptDeclarations(rule.style)}}`;
    else if (topLevel && rule instanceof CSSMediaRule) out += `@media ${rule.media.mediaText}{${keptRules(rule.cssRules, false)}}`;
  }
  return out;
}

/** The browser lists shorthands as their longhands (`background` → `background-color`, ...), each checked on its own. */
function keptDeclarations(style: CSSStyleDeclaration): string {
  const kept: string[] = [];
  for (let i = 0; i < style.length; i++) {
    const name = style.item(i);
    const value = style.getPropertyValue(name);
    if (value && TENANT_CSS_PROPERTY.test(name) && !tenantCssValueOffence(value)) {
      kept.push(`${name}:${value}${style.getPropertyPriority(name) ? '!important' : ''}`);
    }
  }
  return kept.join(';');
}
