// Runs under a strict CSP: a same-origin file, no inline code. Defines the documented Prex() stub
// (calls are queued until loader.js arrives), boots with a host-page theme override and logs the
// widget's events into the page.
(function () {
  var self = document.currentScript;
  window.Prex = window.Prex || function () { (Prex.q = Prex.q || []).push(arguments); };
  Prex('boot', {
    publishableKey: self.getAttribute('data-prex-key'),
    apiBase: self.getAttribute('data-prex-api'),
    theme: { accentColor: '#0f766e', title: 'Billing help', launcherIcon: 'help', launcherLabel: 'Billing help' },
  });
  ['ready', 'open', 'close', 'message:sent', 'message:received', 'unread:change', 'error'].forEach(function (name) {
    Prex('on', name, function (payload) {
      var list = document.getElementById('events');
      if (!list) return;
      var item = document.createElement('li');
      item.textContent = name + ' ' + JSON.stringify(payload);
      list.appendChild(item);
    });
  });
})();
