// Sets the theme before the first paint, so a dark page never flashes light. A file rather than an
// inline script: the Content-Security-Policy runs none. web/src/lib/theme.ts takes over from here.
(() => {
  var choice = null;
  try {
    choice = localStorage.getItem('vigil.theme');
  } catch {}
  var dark = choice === 'dark' || (choice !== 'light' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
})();
