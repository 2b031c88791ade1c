// Colours of the portal's own theme; every text and button pair has a contrast of at least 4.5:1 in light and dark.
// The switches are drawn with gradients, which forced colours remove: there they fall back to native checkboxes.
const css = `
:host{all:initial;color-scheme:light dark;font:medium/1.5 system-ui,sans-serif;overflow-wrap:break-word;--p:#fff;--i:#1d2430;--a:#1f5f8b;--o:#fff;--f:#b3470c;--l:#8792a2}
@media(prefers-color-scheme:dark){:host{--p:#14181f;--i:#e6e9ee;--a:#8cc4ee;--o:#0d1117;--f:#ffb27a;--l:#5b6675}}
dialog{box-sizing:border-box;inset:auto 0 0;width:100%;max-width:48em;max-height:100%;margin:0 auto;padding:1.25em;overflow:auto;border:1px solid var(--l);border-bottom:0;border-radius:.75em .75em 0 0;background:var(--p);color:var(--i);box-shadow:0 0 2em #0005}
dialog::backdrop{background:#0006}
h2{margin:0 44px .5em 0;font-size:1.25em;line-height:1.3}
h2:focus{outline:0}
p{margin:0 0 .75em}
a{color:var(--a)}
button,input{margin:0;font:inherit;cursor:pointer}
.n{padding-left:.75em;border-left:4px solid var(--f)}
.g{display:grid;gap:.5em;margin-top:1em}
@media(min-width:44em){.g{grid-auto-flow:column;grid-auto-columns:1fr}}
.b{min-height:44px;padding:.5em 1em;border:2px solid var(--a);border-radius:.5em;background:var(--a);color:var(--o);font-weight:600}
.x{position:absolute;top:.5em;right:.5em;width:44px;height:44px;padding:0;border:0;border-radius:.5em;background:none;color:inherit;font-size:1.5em}
.c{padding:.5em 0;border-top:1px solid var(--l)}
.c p{margin:0}
label{display:flex;gap:.75em;align-items:center;min-height:44px;font-weight:600}
input{appearance:none;flex:none;width:2.75em;height:1.5em;border:2px solid var(--i);border-radius:1em;background:radial-gradient(circle at .65em 50%,var(--i) .4em,#0000 .45em)}
input:checked{border-color:var(--a);background:radial-gradient(circle at calc(100% - .65em) 50%,var(--o) .4em,#0000 .45em) var(--a)}
input:disabled{opacity:.6;cursor:default}
.m{margin-left:auto;font-weight:400}
.r{position:fixed;left:1em;bottom:1em;width:44px;height:44px;padding:0;border:2px solid var(--p);border-radius:50%;box-shadow:0 1px 6px #0006;background:radial-gradient(circle at 35% 35%,var(--o) 3px,#0000 4px),radial-gradient(circle at 66% 42%,var(--o) 3px,#0000 4px),radial-gradient(circle at 42% 68%,var(--o) 3px,#0000 4px),var(--a)}
:focus-visible{outline:3px solid var(--f);outline-offset:2px}
@media(forced-colors:active){dialog,.x{border:2px solid CanvasText}input{appearance:auto}.r{forced-color-adjust:none;--a:ButtonFace;--o:ButtonText;border-color:ButtonText}}
@media(prefers-reduced-motion:no-preference){dialog[open]{animation:u .2s ease-out}}
@keyframes u{from{opacity:0;transform:translateY(2em)}}`;

/**
 * Styles the banner inside its shadow root with a constructed stylesheet, which strict CSPs without
 * 'unsafe-inline' styles allow; a <style> element only where constructable stylesheets are missing.
 */
export function adoptStyles(root: ShadowRoot): void {
  if ('adoptedStyleSheets' in root && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.append(Object.assign(document.createElement('style'), { textContent: css }));
  }
}
