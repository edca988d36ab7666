import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import solid from 'vite-plugin-solid';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The server's Content-Security-Policy (style-src 'self') refuses inline styles, and solid-sonner
 * has two: it injects its CSS as a <style> element, and its toaster's static `--width` becomes a
 * style attribute in a template. Here its CSS is imported as a stylesheet of the bundle instead,
 * and `--width` is set at run time (through the CSSOM, which CSP allows). A version of the package
 * without these exact spots fails the build rather than the policy.
 *
 * Its `solid` build (index.jsx, the one Vite picks) also lost the measuring of each toast's height
 * (`if (!mounted() || !toastRef)` was folded into `|| true`): every toast then sat at offset 0,
 * exactly on top of the others. The measuring effect is put back, and measures the layout height
 * (offsetHeight): getBoundingClientRect() includes the running enter transition's scale, so a toast
 * measured mid-transition was taken for a few pixels shorter and its neighbour overlapped it.
 */
function cspSafeSonner(): Plugin {
  const patches: [string, string][] = [
    [
      `if (typeof document !== "undefined" && !document.querySelector("style[data-sonner]")) {
\tconst styleTag = document.createElement("style");
\tstyleTag.setAttribute("data-sonner", "");
\tstyleTag.textContent = styles_default;
\tdocument.head.appendChild(styleTag);
}`,
      `import "solid-sonner/styles.css";`,
    ],
    // A call the compiler cannot fold into a constant (it folds String(…) and template literals).
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the compiled solid-sonner text this patch replaces
    ['"--width": `${TOAST_WIDTH}px`,', '"--width": (() => `${TOAST_WIDTH}px`)(),'],
  ];
  const jsxOnlyPatches: [string, string][] = [
    ['if (!mounted() || true) return;', 'if (!mounted() || !toastRef) return;'],
    // The layout height: the box on screen is scaled by the enter transition still running.
    ['const nextHeight = toastRef.getBoundingClientRect().height;', 'const nextHeight = toastRef.offsetHeight;'],
    // Measured again when the window's width changes (a phone turned): text wraps, padding changes.
    [
      'function Toast(props) {',
      `const [windowWidth, setWindowWidth] = createSignal(window.innerWidth);
window.addEventListener("resize", () => setWindowWidth(window.innerWidth));
function Toast(props) {`,
    ],
    ['\t\tresolveContent(props.toast.title);', '\t\twindowWidth();\n\t\tresolveContent(props.toast.title);'],
  ];
  return {
    name: 'vigil:csp-safe-sonner',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]solid-sonner[\\/]dist[\\/]index\.jsx?$/.test(id)) return undefined;
      let patched = code;
      for (const [from, to] of id.endsWith('.jsx') ? [...patches, ...jsxOnlyPatches] : patches) {
        if (!patched.includes(from))
          throw new Error(`solid-sonner changed: cannot find ${JSON.stringify(from.slice(0, 60))} in ${id} (see cspSafeSonner in web/vite.config.ts)`);
        patched = patched.replace(from, to);
      }
      return { code: patched, map: null };
    },
  };
}

// The server (npm start) serves web/dist itself; `npm run dev:web` proxies the API to it.
export default defineConfig({
  root: here,
  plugins: [cspSafeSonner(), solid()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'ws://127.0.0.1:3000', ws: true },
    },
  },
});
