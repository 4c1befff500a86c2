// Under each answer: Copy puts the answer with its references (Markdown) on the clipboard;
// the thumbs and the optional comment are sent to the server as the rating of that turn.
const copyText = async (text) => {
  if (navigator.clipboard && window.isSecureContext) {
    try { await navigator.clipboard.writeText(text); return true; } catch (error) { /* below */ }
  }
  // Plain http on a LAN address has no clipboard API: copy through a hidden text area.
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.cssText = 'position: fixed; top: 0; left: 0; opacity: 0;';
  document.body.appendChild(area);
  area.select();
  let copied = false;
  try { copied = document.execCommand('copy'); } catch (error) { copied = false; }
  area.remove();
  return copied;
};
const say = (row, text) => {
  const status = row.querySelector('.act-status');
  if (!status) return;
  status.textContent = text;
  clearTimeout(status.dataset.timer);
  status.dataset.timer = setTimeout(() => { status.textContent = ''; }, 3000);
};
const sendRating = (row, rating) => {
  const form = row.querySelector('.rate-comment');
  trigger('rate', {n: row.dataset.n, rating, comment: form ? form.elements.comment.value : ''});
};
element.addEventListener('click', async (event) => {
  const button = event.target.closest('.answer-actions button[type=button]');
  if (!button) return;
  const row = button.closest('.answer-actions');
  if (button.classList.contains('copy')) {
    const copied = await copyText(button.dataset.copy);
    say(row, copied ? 'Copied with its references' : 'Could not copy: select the text instead');
    return;
  }
  if (!button.dataset.rating) return;
  row.querySelectorAll('button.rate').forEach((other) => {
    other.setAttribute('aria-pressed', String(other === button));
  });
  row.querySelector('.rate-comment').hidden = false;
  sendRating(row, button.dataset.rating);
  say(row, 'Thank you: rating saved');
});
element.addEventListener('submit', (event) => {
  const form = event.target.closest('.rate-comment');
  if (!form) return;
  event.preventDefault();
  const row = form.closest('.answer-actions');
  const pressed = row.querySelector('button.rate[aria-pressed=true]');
  if (!pressed) return;
  sendRating(row, pressed.dataset.rating);
  say(row, 'Comment saved');
});
