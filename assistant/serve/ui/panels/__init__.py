"""The UI's event handlers, one module per panel: the conversation, the history sidebar and
the sources tab (with the document viewer). `app.build_ui` lays the panels out and wires
their events; each panel's handlers are methods, so they can be called without a page."""
