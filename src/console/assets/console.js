// Live progress: every element with data-progress-events subscribes to its server-sent
// event stream and shows what it pushes. Without script the page shows the state it was
// rendered with, which is what a reload shows too.
(() => {
  const connect = (el) => {
    const source = new EventSource(el.dataset.progressEvents);
    const bar = el.querySelector('progress');
    const text = el.querySelector('[data-progress-text]');
    const state = el.querySelector('[data-progress-state]');
    source.addEventListener('progress', (ev) => {
      const p = JSON.parse(ev.data);
      if (bar) bar.value = p.fraction;
      if (text) text.textContent = p.text;
      if (state) state.textContent = p.stateLabel;
      el.dataset.state = p.state;
    });
    source.addEventListener('done', (ev) => {
      const p = JSON.parse(ev.data);
      source.close();
      if (state) state.textContent = p.stateLabel;
      el.dataset.state = p.state;
      // The finished page shows what only a finished image has (sizes, dedup, download).
      if (el.dataset.reloadWhenDone !== undefined) window.location.reload();
    });
  };
  const start = () => {
    for (const el of document.querySelectorAll('[data-progress-events]')) connect(el);
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
