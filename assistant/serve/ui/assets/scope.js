// The scope chips beside the question box: a chip's button takes its document out of the
// filter, "Search all" clears the filter.
element.addEventListener('click', (event) => {
  const chip = event.target.closest('[data-remove]');
  if (chip) { trigger('unscope', {source: chip.dataset.remove}); return; }
  if (event.target.closest('[data-clear-scope]')) trigger('unscope', {source: '*'});
});
// Gradio names the filter dropdown's own remove buttons "Remove 4" (an index): name each
// after its document, for screen readers and the mouse-over title alike.
const labelFilter = () => {
  document.querySelectorAll('#only .token').forEach((token) => {
    const remove = token.querySelector('.token-remove');
    const name = (token.querySelector('span') || token).textContent.trim();
    const label = `Remove ${name} from the filter`;
    if (remove && remove.getAttribute('aria-label') !== label) {
      remove.setAttribute('aria-label', label);
      remove.setAttribute('title', label);
    }
  });
  const all = document.querySelector('#only .remove-all');
  if (all && !all.hasAttribute('aria-label')) {
    all.setAttribute('aria-label', 'Clear the filter: search all documents');
    all.setAttribute('title', 'Clear the filter: search all documents');
  }
};
new MutationObserver(labelFilter).observe(document.body, {childList: true, subtree: true});
