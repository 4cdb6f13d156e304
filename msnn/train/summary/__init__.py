"""``mindspore.train.summary``: ``SummaryRecord`` (TensorBoard event files) and the ``_record`` hook
the summary operators call."""
from .summary_record import SummaryRecord, _record

__all__ = ["SummaryRecord"]
