// A tiny client-side router that re-renders the whole <body> on every navigation (as careless
// SPA shells do). The Prex launcher, pane and conversation must survive it.
import './style.css';

window.Prex = window.Prex || function () { (window.Prex.q = window.Prex.q || []).push(arguments); };
const Prex = (...args) => window.Prex(...args);

const events = [];
for (const name of ['ready', 'open', 'close', 'message:sent', 'message:received', 'unread:change']) {
  Prex('on', name, (payload) => {
    events.push(`${name} ${JSON.stringify(payload)}`);
    const list = document.getElementById('events');
    if (list) list.append(Object.assign(document.createElement('li'), { textContent: events.at(-1) }));
  });
}

const pages = {
  '/': ['Dashboard', 'Your notes at a glance.'],
  '/pricing': ['Pricing', 'Free, Pro and Team plans.'],
  '/account': ['Account', 'Signed in as ada@example.com.'],
};

function render() {
  const path = pages[location.pathname] ? location.pathname : '/';
  const [title, text] = pages[path];
  document.title = `${title} — Northwind App`;
  document.body.innerHTML = `
    <nav>${Object.entries(pages)
      .map(([href, [label]]) => `<a href="${href}" data-link ${href === path ? 'aria-current="page"' : ''}>${label}</a>`)
      .join('')}</nav>
    <main>
      <h1 id="route-title">${title}</h1>
      <p>${text}</p>
      <p>
        <button type="button" id="open-help">Ask support</button>
        <button type="button" id="log-out">Log out</button>
        <button type="button" id="log-in">Log in</button>
      </p>
      <h2>Widget events</h2>
      <ol id="events" data-testid="host-events"></ol>
    </main>`;
  const list = document.getElementById('events');
  for (const e of events) list.append(Object.assign(document.createElement('li'), { textContent: e }));
  document.getElementById('open-help').onclick = () => Prex('open');
  // Log-out ends the widget session too; log-in boots again and tells Prex who the visitor is.
  document.getElementById('log-out').onclick = () => Prex('shutdown');
  document.getElementById('log-in').onclick = () => {
    Prex('boot', { publishableKey: 'pk_demo_northwind' });
    Prex('identify', { id: 'user_42', email: 'ada@example.com' });
  };
}

document.addEventListener('click', (e) => {
  const link = e.target instanceof Element ? e.target.closest('a[data-link]') : null;
  if (!link || e.metaKey || e.ctrlKey) return;
  e.preventDefault();
  history.pushState(null, '', link.getAttribute('href'));
  render();
});
window.addEventListener('popstate', render);
render();
