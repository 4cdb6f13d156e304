"""mindspore.dataset (placeholder: the dataset engine lands separately)."""
