// Clicks inside the conversation: example chips ask, citations open their passage.
const scroller = () => element.closest('#conversation') || element;
element.addEventListener('click', (event) => {
  const example = event.target.closest('[data-example]');
  if (example) {
    trigger('example', {question: example.dataset.example});
    return;
  }
  const cite = event.target.closest('[data-source]');
  if (!cite) return;
  event.preventDefault();
  const card = document.getElementById(cite.dataset.card);
  if (card && cite.classList.contains('cite-ref')) {
    card.scrollIntoView({block: 'nearest'});
    card.classList.remove('flash');
    void card.offsetWidth;
    card.classList.add('flash');
  }
  trigger('cite', {
    source: cite.dataset.source,
    start: cite.dataset.start, end: cite.dataset.end,
    qs: cite.dataset.qs, qe: cite.dataset.qe,
  });
});
watch('value', () => {
  const box = scroller();
  const turns = element.querySelectorAll('.turn');
  const last = turns[turns.length - 1];
  if (!last) return;
  const top = last.getBoundingClientRect().top - box.getBoundingClientRect().top;
  box.scrollTop += Math.max(0, Math.min(top - 8, box.scrollHeight));
});
