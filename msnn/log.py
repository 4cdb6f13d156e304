"""``mindspore.log``: MindSpore's logger, on Python's ``logging``, configured by GLOG-style variables.

The logger is built on first use from the environment:

* ``GLOG_v``: the level, ``'0'`` DEBUG, ``'1'`` INFO, ``'2'`` WARNING (default), ``'3'`` ERROR;
* ``GLOG_logtostderr``: ``'1'`` (default) logs to stderr, ``'0'`` to ``$GLOG_log_dir/mindspore.log``;
* ``GLOG_log_dir``: the directory of the log file (it must exist) when ``GLOG_logtostderr=0``;
* ``logger_maxBytes`` / ``logger_backupCount``: the file's rotation size (default 52428800) and
  the number of rotated files kept (default 30).

A bad value raises ValueError naming the variable and the value. Records read
``[LEVEL] ME(pid:thread,process):YYYY-mm-dd-HH:MM:SS.mmm.uuu [file:line] message``; ``file`` is the
caller's path from its ``msnn``/``mindspore`` directory on.
"""
import logging
import os
import sys
import threading
import time
from logging.handlers import RotatingFileHandler

from ._api import ms_api

__all__ = ['get_level', 'get_log_config']

_setup_logger_lock = threading.Lock()
_global_logger = None

_std_on = '1'
_std_off = '0'
_logger_def_max_bytes = '52428800'
_logger_def_backup_count = '30'
_logger_def_level = '2'
_name_to_level = {'ERROR': 40, 'WARNING': 30, 'INFO': 20, 'DEBUG': 10}
_gloglevel_to_name = {'3': 'ERROR', '2': 'WARNING', '1': 'INFO', '0': 'DEBUG'}
# logger configuration key -> environment variable
_confmap_dict = {'level': 'GLOG_v', 'console': 'GLOG_logtostderr', 'filepath': 'GLOG_log_dir',
                 'maxBytes': 'logger_maxBytes', 'backupCount': 'logger_backupCount'}
_SUB_MODULE = 'ME'
_LOG_NAME = 'mindspore.log'
_FORMAT = ('[%(levelname)s] %(sub_module)s(%(process)d:%(thread)d,%(processName)s):%(asctime)s '
           '[%(filepath)s:%(lineno)d] %(message)s')


class _DataFormatter(logging.Formatter):
    """MindSpore's record layout (sub-module name, millisecond.microsecond time, relative path)."""

    def __init__(self, sub_module, fmt=None, **kwargs):
        super().__init__(fmt=fmt, **kwargs)
        self.sub_module = sub_module.upper()

    def formatTime(self, record, datefmt=None):
        created = self.converter(record.created)
        if datefmt:
            return time.strftime(datefmt, created)
        micros = f"{int(record.msecs * 1000):06d}"
        return f"{time.strftime('%Y-%m-%d-%H:%M:%S', created)}.{micros[:3]}.{micros[3:]}"

    def format(self, record):
        path = record.pathname
        idx = max(path.rfind('mindspore'), path.rfind('msnn'))
        record.filepath = path[idx:] if idx >= 0 else path
        record.sub_module = self.sub_module
        return super().format(record)


def _get_env_config():
    """The logger configuration read from the environment (``{'level': '2', ...}``, set keys only)."""
    config = {}
    for key, env in _confmap_dict.items():
        value = os.environ.get(env)
        if value:
            config[key] = value.strip()
    return config


def _verify_level(level):
    if _gloglevel_to_name.get(level) not in _name_to_level:
        raise ValueError(f"For 'mindspore.log', the '{_confmap_dict['level']}' must be one of "
                         f"{sorted(_gloglevel_to_name)} (3 ERROR, 2 WARNING, 1 INFO, 0 DEBUG), but got {level!r}.")


def _verify_config(kwargs):
    """ValueError for a bad level, console flag, log directory, rotation size or backup count."""
    level = kwargs.get('level')
    if level is not None:
        _verify_level(level)
    console = kwargs.get('console')
    if console is None:
        return
    if console not in (_std_off, _std_on):
        raise ValueError(f"For 'mindspore.log', the '{_confmap_dict['console']}' must be '0' or '1' "
                         f"(1 logs to the console), but got {console!r}.")
    if console == _std_on:
        return
    file_path = kwargs.get('filepath')
    if not file_path:
        raise ValueError(f"For 'mindspore.log', the '{_confmap_dict['filepath']}' must be set when "
                         f"{_confmap_dict['console']} is '0', but got {file_path!r}.")
    if not os.path.exists(os.path.realpath(file_path)):
        raise ValueError(f"For 'mindspore.log', the '{_confmap_dict['filepath']}' must be an existing "
                         f"directory, but got {file_path!r}.")
    for key in ('maxBytes', 'backupCount'):
        value = kwargs.get(key)
        if value is not None and not value.isdigit():
            raise ValueError(f"For 'mindspore.log', the '{_confmap_dict[key]}' must be a non-negative "
                             f"integer, but got {value!r}.")


def _adapt_cfg(kwargs):
    """The environment strings converted to logger settings."""
    kwargs['level'] = _gloglevel_to_name.get(kwargs.get('level', _logger_def_level))
    kwargs['console'] = kwargs.get('console') != _std_off
    kwargs['maxBytes'] = int(kwargs.get('maxBytes', _logger_def_max_bytes))
    kwargs['backupCount'] = int(kwargs.get('backupCount', _logger_def_backup_count))
    return kwargs


def _setup_logger(kwargs):
    global _global_logger  # pylint: disable=global-statement
    with _setup_logger_lock:
        if _global_logger:
            return _global_logger
        logger = logging.getLogger(f'{_SUB_MODULE}.{_LOG_NAME}')
        logger.setLevel(kwargs.get('level', logging.WARNING))
        logger.propagate = False
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        if kwargs.get('console', True):
            handler = logging.StreamHandler(sys.stderr)
            handler.name = 'StreamHandler'
        else:
            directory = os.path.realpath(kwargs['filepath'])
            handler = RotatingFileHandler(os.path.join(directory, _LOG_NAME), maxBytes=kwargs['maxBytes'],
                                          backupCount=kwargs['backupCount'], encoding='utf8')
            handler.name = 'FileHandler'
        handler.setFormatter(_DataFormatter(_SUB_MODULE, _FORMAT))
        logger.addHandler(handler)
        _global_logger = logger
    return _global_logger


def _get_logger():
    """The logger, built from the environment on first use."""
    if _global_logger:
        return _global_logger
    kwargs = _get_env_config()
    _verify_config(kwargs)
    return _setup_logger(_adapt_cfg(kwargs))


@ms_api("mindspore.log.info", torch="logging.Logger.info")
def info(msg, *args, **kwargs):
    """Logs ``msg % args`` with severity INFO.

    Examples:
        >>> from msnn import log as logger
        >>> logger.info("epoch: %d", 1)
    """
    kwargs.setdefault("stacklevel", 2)
    _get_logger().info(msg, *args, **kwargs)


@ms_api("mindspore.log.debug", torch="logging.Logger.debug")
def debug(msg, *args, **kwargs):
    """Logs ``msg % args`` with severity DEBUG.

    Examples:
        >>> from msnn import log as logger
        >>> logger.debug("value %r", 0.5)
    """
    kwargs.setdefault("stacklevel", 2)
    _get_logger().debug(msg, *args, **kwargs)


@ms_api("mindspore.log.warning", torch="logging.Logger.warning")
def warning(msg, *args, **kwargs):
    """Logs ``msg % args`` with severity WARNING (shown by default, on stderr).

    Examples:
        >>> from msnn import log as logger
        >>> logger.warning("a %s", "warning")
    """
    kwargs.setdefault("stacklevel", 2)
    _get_logger().warning(msg, *args, **kwargs)


@ms_api("mindspore.log.error", torch="logging.Logger.error")
def error(msg, *args, **kwargs):
    """Logs ``msg % args`` with severity ERROR.

    Examples:
        >>> from msnn import log as logger
        >>> logger.error("an %s", "error")
    """
    kwargs.setdefault("stacklevel", 2)
    _get_logger().error(msg, *args, **kwargs)


@ms_api("mindspore.log.get_level", torch="logging.Logger.getEffectiveLevel")
def get_level():
    """The level as a GLOG string: ``'3'`` ERROR, ``'2'`` WARNING, ``'1'`` INFO, ``'0'`` DEBUG.

    Examples:
        >>> from msnn import log as logger
        >>> logger.get_level() in ('0', '1', '2', '3')
        True
    """
    level_to_glog = {v: k for k, v in ((g, _name_to_level[n]) for g, n in _gloglevel_to_name.items())}
    return level_to_glog.get(_get_logger().getEffectiveLevel())


@ms_api("mindspore.log.get_log_config", torch="")
def get_log_config():
    """The configuration as GLOG variables: ``{'GLOG_v': ..., 'GLOG_logtostderr': ...}``, plus
    ``GLOG_log_dir``, ``logger_maxBytes`` and ``logger_backupCount`` when logging to a file.

    Examples:
        >>> from msnn import log as logger
        >>> sorted(logger.get_log_config())[:2]
        ['GLOG_logtostderr', 'GLOG_v']
    """
    logger = _get_logger()
    handler = logger.handlers[0]
    config = {'GLOG_v': get_level(), 'GLOG_logtostderr': _std_on}
    if handler.name == 'FileHandler':
        config['GLOG_logtostderr'] = _std_off
        config['GLOG_log_dir'] = os.path.split(handler.baseFilename)[0]
        config['logger_maxBytes'] = handler.maxBytes
        config['logger_backupCount'] = handler.backupCount
    return config
