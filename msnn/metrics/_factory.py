"""get_metric_fn and names (mindspore/nn/metrics/__init__.py)."""
from .._api import ms_api
from .. import _validator as V
from .accuracy import Accuracy
from .error import MAE, MSE
from .fbeta import F1
from .loss import Loss
from .metric import Metric
from .precision import Precision
from .recall import Recall
from .topk import TopKCategoricalAccuracy, Top1CategoricalAccuracy, Top5CategoricalAccuracy

__all__ = ["names", "get_metric_fn"]

__factory__ = {
    "accuracy": Accuracy,
    "acc": Accuracy,
    "precision": Precision,
    "recall": Recall,
    "F1": F1,
    "topk": TopKCategoricalAccuracy,
    "top_1_accuracy": Top1CategoricalAccuracy,
    "top_5_accuracy": Top5CategoricalAccuracy,
    "mae": MAE,
    "mse": MSE,
    "loss": Loss,
}


@ms_api("mindspore.nn.names", torch="(none)")
def names():
    """Get the names of the metric methods.

    Returns:
        List, the sorted keys of the metric factory (note the capital 'F1').

    Examples:
        >>> import msnn as nn
        >>> nn.names()
        ['F1', 'acc', 'accuracy', 'loss', 'mae', 'mse', 'precision', 'recall', 'top_1_accuracy', 'top_5_accuracy', 'topk']
    """
    return sorted(__factory__.keys())


@ms_api("mindspore.nn.get_metric_fn", torch="(none)")
def get_metric_fn(name, *args, **kwargs):
    """Gets the metric method base on the input name.

    Args:
        name (str): The name of metric method; one of :func:`names` ('accuracy', 'acc',
            'precision', 'recall', 'F1', 'topk', 'top_1_accuracy', 'top_5_accuracy', 'mae', 'mse',
            'loss').
        args: Arguments for the metric function.
        kwargs: Keyword arguments for the metric function.

    Returns:
        Metric object, class instance of the metric method.

    Raises:
        KeyError: If ``name`` is not a known metric.

    Examples:
        >>> import msnn as nn
        >>> metric = nn.get_metric_fn('precision', eval_type='classification')
        >>> type(metric).__name__
        'Precision'
    """
    if not isinstance(name, str) or name not in __factory__:
        V.fail("get_metric_fn", "name", "one of " + ", ".join(map(repr, names())), name, exc=KeyError)
    return __factory__[name](*args, **kwargs)


def get_metrics(metrics):
    """``Model``'s metric argument: None, a {name: Metric} dict (checked, TypeError), or a set of
    factory names (each built with :func:`get_metric_fn`) -> None or a {name: Metric} dict."""
    if metrics is None:
        return metrics
    if isinstance(metrics, dict):
        for name, metric in metrics.items():
            if not isinstance(name, str) or not isinstance(metric, Metric):
                V.fail("Model", "metrics", "a dict of str keys and Metric values", {name: metric}, exc=TypeError)
        return metrics
    if isinstance(metrics, set):
        return {name: get_metric_fn(name) for name in metrics}
    return V.fail("Model", "metrics", "None, a dict or a set", metrics, exc=TypeError)
