// The history sidebar: open a conversation, rename it in place, delete it, undo a delete.
const rename = (item, id) => {
  const title = item.querySelector('.conv-title');
  const input = document.createElement('input');
  input.type = 'text';
  input.className = 'conv-rename';
  input.maxLength = 200;
  input.value = title.textContent;
  input.setAttribute('aria-label', 'New name for this conversation (Enter saves, Escape cancels)');
  item.classList.add('renaming');
  item.prepend(input);
  input.focus();
  input.select();
  let done = false;
  const finish = (save) => {
    if (done) return;
    done = true;
    const value = input.value.trim();
    if (save && value && value !== title.textContent) {
      title.textContent = value;
      trigger('rename_conversation', {id, title: value});
    }
    input.remove();
    item.classList.remove('renaming');
    item.querySelector('.conv-open').focus();
  };
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === 'Escape') {
      event.preventDefault();
      finish(event.key === 'Enter');
    }
  });
  input.addEventListener('blur', () => finish(true));
};
// On a phone the open sidebar covers the conversation: it starts closed there, and closes
// once a conversation is picked.
const closeOnPhone = () => {
  const sidebar = element.closest('.sidebar');
  if (!sidebar || !sidebar.classList.contains('open')) return;
  if (window.matchMedia('(max-width: 768px)').matches) {
    const toggle = sidebar.querySelector('.toggle-button');
    if (toggle) toggle.click();
  }
};
setTimeout(closeOnPhone, 0);
element.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const item = button.closest('[data-id]');
  const id = button.dataset.id || (item && item.dataset.id);
  const action = button.dataset.action;
  if (action === 'open') {
    trigger('open_conversation', {id});
    closeOnPhone();
  }
  else if (action === 'delete') trigger('delete_conversation', {id});
  else if (action === 'undo') trigger('undo_delete', {id});
  else if (action === 'rename') rename(item, id);
});
