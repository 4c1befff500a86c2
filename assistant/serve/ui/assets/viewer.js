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
