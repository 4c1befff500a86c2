// Clicks inside the conversation: example chips ask, citations open their passage.
// A citation marker previews its quote on hover or keyboard focus (CSS); on a phone or touch
// screen a tap opens that preview instead of jumping away, and its button opens the passage.
const scroller = () => element.closest('#conversation') || element;
const previewOnTap = () => window.matchMedia('(hover: none), (max-width: 767px)').matches;
const closeTips = (except) => {
  element.querySelectorAll('.cite.open').forEach((cite) => {
    if (cite !== except) {
      cite.classList.remove('open');
      cite.querySelector('.cite-ref').setAttribute('aria-expanded', 'false');
    }
  });
};
// Keep a hover preview inside the conversation box: shift it left, or show it above.
const place = (cite) => {
  const tip = cite.querySelector('.cite-tip');
  if (!tip || previewOnTap()) return;
  tip.style.left = '0px';
  tip.classList.remove('above');
  const box = scroller().getBoundingClientRect();
  const rect = tip.getBoundingClientRect();
  const overflow = rect.right - (box.right - 12);
  if (overflow > 0) tip.style.left = `${-Math.min(overflow, rect.left - box.left - 12)}px`;
  if (rect.bottom > box.bottom - 8 && rect.top - rect.height > box.top) tip.classList.add('above');
};
const hovered = (event) => {
  const cite = event.target.closest && event.target.closest('.cite');
  if (cite) { cite.classList.remove('dismissed'); place(cite); }
};
element.addEventListener('mouseover', hovered);
element.addEventListener('focusin', hovered);
element.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  const cite = event.target.closest('.cite');
  if (cite) { cite.classList.add('dismissed'); cite.classList.remove('open'); }
});
document.addEventListener('click', (event) => {
  if (!element.contains(event.target)) closeTips(null);
});
element.addEventListener('click', (event) => {
  const example = event.target.closest('[data-example]');
  if (example) {
    trigger('example', {question: example.dataset.example});
    return;
  }
  const widen = event.target.closest('[data-search-all]');
  if (widen) {
    trigger('widen', {question: widen.dataset.searchAll});
    return;
  }
  const cite = event.target.closest('[data-source]');
  if (!cite) { closeTips(null); return; }
  event.preventDefault();
  if (cite.classList.contains('cite-ref') && previewOnTap()) {
    const holder = cite.closest('.cite');
    closeTips(holder);
    const open = holder.classList.toggle('open');
    cite.setAttribute('aria-expanded', open ? 'true' : 'false');
    return;
  }
  closeTips(null);
  const holder = cite.closest('.cite');
  if (holder) holder.classList.add('dismissed');  // the preview gives way to the passage
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
    card: cite.dataset.card, where: cite.dataset.where,
  });
});
// A source card's passage box is short and scrolls: it opens on the first sentence the
// answer quotes from it, not on the passage's first line (a late quote was out of sight).
const showQuotes = () => {
  element.querySelectorAll('.card-passage').forEach((passage) => {
    const mark = passage.querySelector('mark');
    if (!mark) return;
    const offset = mark.getBoundingClientRect().top - passage.getBoundingClientRect().top;
    passage.scrollTop += offset - 8;
  });
};
// A new or growing answer scrolls into view: inside the conversation box when it scrolls
// (wide screens), else the page itself (phones, where the chat scrolls with the page).
let seen = 0;
watch('value', () => {
  showQuotes();
  const box = scroller();
  const turns = element.querySelectorAll('.turn');
  const last = turns[turns.length - 1];
  if (!last) { seen = 0; return; }
  if (box.scrollHeight > box.clientHeight + 1) {
    const top = last.getBoundingClientRect().top - box.getBoundingClientRect().top;
    box.scrollTop += Math.max(0, Math.min(top - 8, box.scrollHeight));
  } else if (turns.length !== seen) {
    last.scrollIntoView({block: 'start'});
  }
  seen = turns.length;
});
