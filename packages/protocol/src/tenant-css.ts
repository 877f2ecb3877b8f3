import postcss, { CssSyntaxError, type ChildNode, type Container } from 'postcss';
import { MAX_CUSTOM_CSS_CHARS, TENANT_CSS_PROPERTY, tenantCssValueOffence } from './tenant-css-rules.js';

/** A tenant stylesheet as the pane will adopt it, or the reasons it cannot be. */
export type TenantCssCheck = { css: string; problems: string[] };

/** `@media` conditions: feature queries only, nothing that names a resource. */
const MEDIA_CONDITION = /^[\w\s():,.<>=/-]+$/;
/** Selectors: classes, ids, elements, pseudo-classes, combinators, attribute tests with quoted values. */
const SELECTOR = /^[\w\s.#:,>+~*()[\]=^$|-]+$/;
const QUOTED = /"[^"\\]*"|'[^'\\]*'/g;

/**
 * Checks a tenant stylesheet against the allow-list in tenant-css-rules.ts, using postcss for the parse (a
 * real CSS tokenizer: strings, comments and escapes are handled as browsers do). Returns the sheet
 * rebuilt from the checked rules alone, so what is stored is exactly what was checked, plus one
 * problem per refused rule or declaration, each naming the property or at-rule.
 */
export function checkTenantCss(css: string): TenantCssCheck {
  let root;
  try {
    root = postcss.parse(css);
  } catch (error) {
    const reason = error instanceof CssSyntaxError ? `${error.reason} at line ${error.line}, column ${error.column}` : 'unreadable';
    return { css: '', problems: [`is not valid CSS: ${reason}`] };
  }
  const problems: string[] = [];
  const out = rebuild(root, problems, true);
  if (out.length > MAX_CUSTOM_CSS_CHARS) problems.push(`is longer than ${MAX_CUSTOM_CSS_CHARS} characters`);
  return { css: out, problems };
}

/** A sentence about the offending piece tenantCssValueOffence found. */
function explain(offence: string): string {
  if (offence === '\\') return 'uses a backslash escape, which tenant CSS values may not contain';
  if (offence.startsWith('var(')) return `reads ${offence}); tenant CSS may read only the pane's own --prex-* variables`;
  if (offence.endsWith('(')) {
    return `calls ${offence}), which tenant CSS may not use (only colours, calc/min/max/clamp, gradients, cubic-bezier/steps and var(--prex-*))`;
  }
  return `has "${offence}", which tenant CSS values may not contain (quote only font names)`;
}

function rebuild(container: Container, problems: string[], topLevel: boolean): string {
  let out = '';
  for (const node of container.nodes ?? []) out += rebuildNode(node, problems, topLevel);
  return out;
}

function rebuildNode(node: ChildNode, problems: string[], topLevel: boolean): string {
  if (node.type === 'comment') return '';
  if (node.type === 'atrule') {
    if (node.name.toLowerCase() !== 'media' || !topLevel) {
      problems.push(`@${node.name} is not allowed (tenant CSS may use style rules and @media only, and fetch nothing)`);
      return '';
    }
    if (!MEDIA_CONDITION.test(node.params)) {
      problems.push(`@media ${node.params} is not a plain media condition`);
      return '';
    }
    return `@media ${node.params}{${rebuild(node, problems, false)}}`;
  }
  if (node.type === 'rule') {
    if (!SELECTOR.test(node.selector.replace(QUOTED, 'x'))) {
      problems.push(`selector ${node.selector} is not a plain selector (classes, elements, pseudo-classes, attributes)`);
      return '';
    }
    const declarations: string[] = [];
    for (const child of node.nodes) {
      if (child.type === 'comment') continue;
      if (child.type !== 'decl') {
        problems.push(`${node.selector}: nested rules are not allowed`);
        continue;
      }
      const property = child.prop.toLowerCase();
      if (!TENANT_CSS_PROPERTY.test(property)) {
        problems.push(`${property} is not a property tenant CSS may set`);
        continue;
      }
      const offence = tenantCssValueOffence(child.value);
      if (offence) {
        problems.push(`${property}: ${child.value} ${explain(offence)}`);
        continue;
      }
      declarations.push(`${property}:${child.value}${child.important ? '!important' : ''}`);
    }
    return `${node.selector}{${declarations.join(';')}}`;
  }
  problems.push(`${node.type === 'decl' ? `${node.prop}` : 'a declaration'} sits outside a rule`);
  return '';
}
