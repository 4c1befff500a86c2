// The sources list: a document's button opens it in the viewer; "Edit details" and "Delete"
// show their panel (a form, or a confirmation) and only the panel's own button changes
// anything on the server.
const panels = (item) => ({
  form: item.querySelector('.doc-form'),
  confirm: item.querySelector('.doc-confirm'),
  edit: item.querySelector('.doc-edit'),
  remove: item.querySelector('.doc-delete'),
});
const show = (item, which) => {
  const p = panels(item);
  p.form.hidden = which !== 'form';
  p.confirm.hidden = which !== 'confirm';
  p.edit.setAttribute('aria-expanded', String(which === 'form'));
  p.remove.setAttribute('aria-expanded', String(which === 'confirm'));
  if (which === 'form') p.form.querySelector('input').focus();
  if (which === 'confirm') p.confirm.querySelector('[data-confirm-delete]').focus();
};
element.addEventListener('click', (event) => {
  const item = event.target.closest('.doc-item');
  if (!item) return;
  if (event.target.closest('.doc-open')) {
    trigger('open', {source: event.target.closest('.doc-open').dataset.source});
  } else if (event.target.closest('.doc-edit')) {
    show(item, panels(item).form.hidden ? 'form' : null);
  } else if (event.target.closest('.doc-delete')) {
    show(item, panels(item).confirm.hidden ? 'confirm' : null);
  } else if (event.target.closest('.doc-cancel')) {
    show(item, null);
    item.querySelector('.doc-open').focus();
  } else if (event.target.closest('[data-confirm-delete]')) {
    trigger('remove_doc', {source: event.target.closest('[data-confirm-delete]').dataset.confirmDelete});
  }
});
element.addEventListener('submit', (event) => {
  const form = event.target.closest('[data-edit]');
  if (!form) return;
  event.preventDefault();
  const value = (name) => form.querySelector(`[name=${name}]`).value;
  trigger('save_doc', {
    source: form.dataset.edit,
    title: value('title'), publisher: value('publisher'), published: value('published'),
  });
});
