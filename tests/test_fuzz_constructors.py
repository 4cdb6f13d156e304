"""Constructor fuzz (issue 9 §3, reliability findings 3 and 10): every exported class of the seed
(msnn._spec.SEED) is built with ONE argument replaced by a wrong value (wrong types, NaN, inf,
negative, zero, huge, empty tuple, string, None, a NaN Tensor, ...). Each case either raises
TypeError/ValueError (or 0.1's own type, listed below) whose message starts with ``For '<Class>'``
and names the argument, or is accepted because the value makes sense -- every accepted case is
whitelisted here with the reason. The machinery (and a counting report) is in tests/_fuzz_ctor.py."""
import contextlib
import resource
import warnings

import pytest
from hypothesis import given, settings, strategies as st

from tests import _fuzz_ctor as FZ

# (class, argument) -> (bad labels accepted, why the value makes sense)
_NUM = "a finite number in range: msnn (like 0.1 and torch) sets no upper bound"
_CONST = "a constant initial value (0.1: any number, bool included, is a constant fill)"
_CALL = "checked at the call, against the input's rank/size (as 0.1's shape inference did)"
_BOOL = "True is a valid bool"
WHITELIST = {
    ("Adam", "eps"): ("float", _NUM), ("Adam", "learning_rate"): ("zero_float float list", "a fixed (0.0 allowed, as 0.1) or dynamic learning rate"),
    ("Adam", "loss_scale"): ("float", _NUM), ("Adam", "use_locking"): ("bool", _BOOL), ("Adam", "use_nesterov"): ("bool", _BOOL),
    ("Adam", "weight_decay"): ("float", _NUM),
    ("AdamWeightDecay", "eps"): ("float", _NUM), ("AdamWeightDecay", "learning_rate"): ("zero_float float", "a fixed learning rate"),
    ("AdamWeightDecay", "weight_decay"): ("float", _NUM),
    ("AdamWeightDecayDynamicLR", "decay_steps"): ("huge", "a long schedule"),
    ("AdamWeightDecayDynamicLR", "end_learning_rate"): ("zero zero_float huge float", _NUM),
    ("AdamWeightDecayDynamicLR", "eps"): ("float", _NUM),
    ("AdamWeightDecayDynamicLR", "learning_rate"): ("zero_float float", "a fixed learning rate"),
    ("AdamWeightDecayDynamicLR", "power"): ("zero zero_float huge float", "a polynomial power >= 0 (0: no decay)"),
    ("AdamWeightDecayDynamicLR", "weight_decay"): ("float", _NUM),
    ("BatchNorm1d", "momentum"): ("zero zero_float", "0.1's range [0, 1]"),
    ("BatchNorm2d", "momentum"): ("zero zero_float", "0.1's range [0, 1]"),
    ("Conv2d", "has_bias"): ("bool", _BOOL), ("Conv2dTranspose", "has_bias"): ("bool", _BOOL),
    ("Conv2d", "bias_init"): ("str none nan inf -inf neg neg_float zero zero_float huge empty_tuple bool float list tensor_nan object",
                              "has_bias=False (the default): bias_init is ignored with a logged warning, as in 0.1"),
    ("Conv2dTranspose", "bias_init"): ("str none nan inf -inf neg neg_float zero zero_float huge empty_tuple bool float list "
                                       "tensor_nan object", "has_bias=False: ignored with a logged warning, as in 0.1"),
    ("DataWrapper", "queue_name"): ("str", "any queue name"), ("GetNextSingleOp", "queue_name"): ("str", "any queue name"),
    ("Dense", "activation"): ("zero zero_float empty_tuple", "a falsy activation means none, as in 0.1"),
    ("get_activation", "name"): ("none zero zero_float empty_tuple", "a falsy name gives None, as in 0.1"),
    ("DistributedGradReducer", "degree"): ("huge", "a device count; only its positivity is knowable here"),
    ("DistributedGradReducer", "parameters"): ("empty_tuple", "nothing to reduce"),
    ("Dropout", "seed0"): ("neg huge", "any int seed"), ("Dropout", "seed1"): ("neg huge", "any int seed"),
    ("DynamicLossScaleUpdateCell", "loss_scale_value"): ("huge float", "a finite scale > 0 float32 can hold"),
    ("DynamicLossScaleUpdateCell", "scale_factor"): ("huge float", "a finite factor > 1"),
    ("FixedLossScaleUpdateCell", "loss_scale_value"): ("huge float", "a finite scale > 0 float32 can hold"),
    ("Embedding", "use_one_hot"): ("bool", _BOOL),
    ("Fbeta", "beta"): ("huge float", "a finite beta > 0"),
    ("L1Loss", "reduction"): ("none", "None means 'none', as in 0.1"), ("MSELoss", "reduction"): ("none", "None means 'none'"),
    ("LARS", "epsilon"): ("float", _NUM), ("LARS", "hyperpara"): ("float", _NUM), ("LARS", "loss_scale"): ("huge float", _NUM),
    ("LARS", "use_clip"): ("bool", _BOOL), ("LARS", "weight_decay"): ("zero huge float", _NUM),
    ("LSTM", "batch_first"): ("bool", _BOOL), ("LSTM", "bidirectional"): ("bool", _BOOL),
    ("LSTM", "dropout"): ("zero_float bool", "0.0, or True = 1.0 (0.1 called float(dropout))"),
    ("Lamb", "decay_steps"): ("huge", "a long schedule"), ("Lamb", "warmup_steps"): ("huge", "a long warm-up"),
    ("Lamb", "end_learning_rate"): ("zero_float float", _NUM), ("Lamb", "eps"): ("float", _NUM),
    ("Lamb", "power"): ("zero_float float", "a polynomial power >= 0 (0: no decay)"),
    ("Lamb", "start_learning_rate"): ("zero_float float", "a fixed learning rate"), ("Lamb", "weight_decay"): ("float", _NUM),
    ("LayerNorm", "begin_norm_axis"): ("zero huge", _CALL), ("LayerNorm", "begin_params_axis"): ("zero huge", _CALL),
    ("LayerNorm", "normalized_shape"): ("list", "a list shape, as 0.1's initializer accepted"),
    ("LeakyReLU", "alpha"): ("neg neg_float zero zero_float huge float", "any finite slope (0.1's max(alpha*x, x))"),
    ("LogSoftmax", "axis"): ("zero huge", _CALL), ("Softmax", "axis"): ("zero huge", _CALL),
    ("AvgPool2d", "kernel_size"): ("huge", _CALL), ("AvgPool2d", "padding"): ("huge", "ignored by pooling, with a warning (0.1)"),
    ("AvgPool2d", "stride"): ("huge", _CALL), ("MaxPool2d", "kernel_size"): ("huge", _CALL),
    ("MaxPool2d", "padding"): ("huge", "ignored by pooling, with a warning (0.1)"), ("MaxPool2d", "stride"): ("huge", _CALL),
    ("Conv2d", "dilation"): ("huge", _CALL), ("Conv2d", "stride"): ("huge", _CALL),
    ("Conv2dTranspose", "dilation"): ("huge", _CALL), ("Conv2dTranspose", "stride"): ("huge", _CALL),
    ("Momentum", "learning_rate"): ("zero_float float list", "a fixed or dynamic learning rate"),
    ("Momentum", "loss_scale"): ("huge float", _NUM), ("Momentum", "momentum"): ("zero zero_float huge float", _NUM),
    ("Momentum", "weight_decay"): ("zero huge float", _NUM),
    ("Norm", "axis"): ("neg zero huge", _CALL), ("Norm", "keep_dims"): ("bool", _BOOL),
    ("OneHot", "axis"): ("zero huge", _CALL), ("OneHot", "depth"): ("zero huge", "depth >= 0 (0.1); the output size is the call's"),
    ("OneHot", "off_value"): ("neg neg_float zero huge float", "any finite value"),
    ("OneHot", "on_value"): ("neg neg_float zero zero_float huge float", "any finite value"),
    ("Optimizer", "learning_rate"): ("zero_float float list", "a fixed or dynamic learning rate"),
    ("PReLU", "w"): ("neg_float zero_float float", "any finite slope"),
    ("SGD", "dampening"): ("zero huge float", _NUM), ("SGD", "learning_rate"): ("zero_float float list", "a learning rate"),
    ("SGD", "loss_scale"): ("huge float", _NUM), ("SGD", "momentum"): ("zero huge float", _NUM),
    ("SGD", "nesterov"): ("bool", _BOOL), ("SGD", "weight_decay"): ("zero huge float", _NUM),
    ("SmoothL1Loss", "sigma"): ("float", "a finite sigma > 0"),
    ("SoftmaxCrossEntropyExpand", "sparse"): ("bool", _BOOL), ("SoftmaxCrossEntropyWithLogits", "sparse"): ("bool", _BOOL),
    ("TopKCategoricalAccuracy", "k"): ("huge bool", "any k >= 1; True is k=1, as 0.1's isinstance(k, int) allowed"),
    ("TrainOneStepCell", "sens"): ("huge float", "a finite sens > 0"),
    ("WithGradCell", "sens"): ("neg neg_float zero zero_float huge float list", "any finite upstream gradient(s)"),
}
for _cls in ("BatchNorm1d", "BatchNorm2d"):
    for _arg in ("beta_init", "gamma_init", "moving_mean_init", "moving_var_init"):
        WHITELIST[(_cls, _arg)] = ("neg neg_float zero zero_float huge bool float", _CONST)
for _cls, _arg in (("Conv2d", "weight_init"), ("Conv2dTranspose", "weight_init"), ("Dense", "weight_init"),
                   ("Dense", "bias_init"), ("Embedding", "embedding_table"), ("LayerNorm", "beta_init"),
                   ("LayerNorm", "gamma_init")):
    WHITELIST[(_cls, _arg)] = ("neg neg_float zero zero_float huge bool float", _CONST)

# 0.1's own exception type where it is neither TypeError nor ValueError (the message is still msnn's)
OTHER_TYPES = {("L1Loss", "reduction"): AttributeError, ("MSELoss", "reduction"): AttributeError,
               ("SoftmaxCrossEntropyWithLogits", "reduction"): AttributeError}


def _check(name, arg, label, value):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            FZ.build(name, arg, value)
        except Exception as err:  # pylint: disable=broad-except
            allowed = FZ.CLEAN_TYPES + tuple(t for k, t in OTHER_TYPES.items() if k == (name, arg))
            msg = str(err.args[0]) if err.args else ""
            assert isinstance(err, allowed), f"{name}({arg}={label}) leaked {type(err).__name__}: {msg}"
            assert msg.startswith(f"For '{name}'"), f"{name}({arg}={label}) misattributed: {msg}"
            assert arg == "*args" or f"'{arg}'" in msg, f"{name}({arg}={label}) does not name '{arg}': {msg}"
            return "raised"
    return "accepted"


@pytest.mark.parametrize("name", FZ.seed_names())
def test_fuzz_constructors(name):
    """Every wrong value for every argument of ``name``: a clean error or a whitelisted acceptance."""
    for cls_name, arg, label in FZ.cases():
        if cls_name != name:
            continue
        outcome = _check(name, arg, label, FZ.bad_value(label))
        ok_labels = WHITELIST.get((name, arg), ("", ""))[0].split()
        if outcome == "accepted":
            assert label in ok_labels, f"{name}({arg}={label}) accepted silently: refuse it or whitelist it with a reason"
        else:
            assert label not in ok_labels, f"{name}({arg}={label}) is whitelisted but raises: remove it from WHITELIST"


def test_fuzz_constructors_covers_every_seed_entry():
    assert len(FZ.seed_names()) == 67
    assert set(FZ.BASE) == set(FZ.seed_names())
    assert all(reason for _, reason in WHITELIST.values())


_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-2 ** 70, 2 ** 70), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5), st.lists(st.integers(-3, 3), max_size=3), st.tuples(st.integers(-3, 3)),
)
_ARGS = sorted({(n, a) for n, a, _ in FZ.cases() if not a.startswith("*")})


@contextlib.contextmanager
def _address_space_cap(extra=4 << 30):
    """A size that would allocate gigabytes shows as a MemoryError of this test, not as the
    machine's out-of-memory killer ending the whole run."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as f:
        current = int(f.read().split()[0]) * resource.getpagesize()
    cap = current + extra if hard == resource.RLIM_INFINITY else min(hard, current + extra)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@settings(max_examples=250, deadline=None)
@given(target=st.sampled_from(_ARGS), value=_VALUES)
def test_fuzz_constructors_random_values_never_leak(target, value):
    """Random numbers/strings/lists for every argument: accepted, or a clean error naming it."""
    name, arg = target
    with _address_space_cap():
        _check(name, arg, repr(value), value)
