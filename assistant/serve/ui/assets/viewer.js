// After the viewer gets a document, scroll its body so the highlighted quote is in view.
const reveal = () => {
  const body = element.querySelector('.doc-body');
  const mark = element.querySelector('#doc-quote');
  if (!body) return;
  if (!mark) { body.scrollTop = 0; return; }
  body.scrollTop = mark.offsetTop - body.clientHeight / 3;
  const rect = element.getBoundingClientRect();
  if (rect.top < 0 || rect.top > window.innerHeight - 120) element.scrollIntoView({block: 'start'});
};
watch('value', () => { reveal(); setTimeout(reveal, 120); setTimeout(reveal, 400); });
// "Back to answer" returns to the source card the citation came from (far above on a phone).
element.addEventListener('click', (event) => {
  const back = event.target.closest('[data-back]');
  const card = back && document.getElementById(back.dataset.back);
  if (!card) return;
  card.scrollIntoView({block: 'center'});
  card.classList.remove('flash');
  void card.offsetWidth;
  card.classList.add('flash');
  const link = card.querySelector('button.open-doc');
  if (link) link.focus({preventScroll: true});
});
