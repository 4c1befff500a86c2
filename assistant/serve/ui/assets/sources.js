// A click on a document in the sources list opens it in the viewer.
element.addEventListener('click', (event) => {
  const item = event.target.closest('[data-source]');
  if (item) trigger('open', {source: item.dataset.source});
});
