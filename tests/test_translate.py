import pytest

from msnn import _translate as T


@pytest.mark.parametrize("length,kernel,stride,dilation,pads", [
    (5, 3, 1, 1, (1, 1)), (4, 3, 1, 1, (1, 1)), (4, 2, 1, 1, (0, 1)), (5, 3, 2, 1, (1, 1)),
    (4, 3, 2, 1, (0, 1)), (6, 1, 3, 1, (0, 0)), (7, 3, 1, 2, (2, 2)), (8, 4, 3, 1, (1, 1)),
    (1024, 4, 1, 1, (1, 2)), (3, 5, 1, 1, (2, 2)), (2, 5, 3, 1, (1, 2)),
])
def test_translate_same_pad(length, kernel, stride, dilation, pads):
    assert T.same_pad(length, kernel, stride, dilation) == pads


def test_translate_same_padding_2d_symmetric_part_and_extra():
    assert T.same_padding_2d(4, 5, (2, 3), (1, 1)) == ((0, 1), (0, 0, 0, 1))
    assert T.same_padding_2d(5, 5, (3, 3), (1, 1)) == ((1, 1), None)


def test_translate_momentum_and_keep_prob():
    assert T.ms_momentum_to_torch(0.9) == pytest.approx(0.1)
    assert T.keep_prob_to_p(0.8) == pytest.approx(0.2)


@pytest.mark.parametrize("pad_mode,padding,expected", [("pad", 2, 2), ("same", 0, 0), ("valid", 0, 0), ("pad", 0, 0)])
def test_translate_conv_padding(pad_mode, padding, expected):
    assert T.conv_padding(pad_mode, padding) == expected
