"""msnn.log: 0.1's logger configured by GLOG_* environment variables."""
import os
import re

import pytest

from msnn import log as logger

ENV = ['GLOG_v', 'GLOG_logtostderr', 'GLOG_log_dir', 'logger_maxBytes', 'logger_backupCount']


@pytest.fixture(autouse=True)
def _fresh_logger(monkeypatch):
    for var in ENV:
        monkeypatch.delenv(var, raising=False)
    logger._global_logger = None
    yield
    logger._global_logger = None


def test_get_level(monkeypatch):
    assert logger.get_level() == '2'
    for glog in ('0', '1', '3'):
        logger._global_logger = None
        monkeypatch.setenv('GLOG_v', glog)
        assert logger.get_level() == glog


def test_get_log_config(monkeypatch, tmp_path):
    assert logger.get_log_config() == {'GLOG_v': '2', 'GLOG_logtostderr': '1'}
    logger._global_logger = None
    monkeypatch.setenv('GLOG_v', '1')
    monkeypatch.setenv('GLOG_logtostderr', '0')
    monkeypatch.setenv('GLOG_log_dir', str(tmp_path))
    monkeypatch.setenv('logger_maxBytes', '5242880')
    monkeypatch.setenv('logger_backupCount', '10')
    assert logger.get_log_config() == {'GLOG_v': '1', 'GLOG_logtostderr': '0', 'GLOG_log_dir': str(tmp_path),
                                       'logger_maxBytes': 5242880, 'logger_backupCount': 10}


def test_get_log_config_bad_environment(monkeypatch):
    for env, match in ((('GLOG_v', '7'),), "GLOG_v.*'7'"), ((('GLOG_logtostderr', 'x'),), "GLOG_logtostderr.*'x'"), \
            ((('GLOG_logtostderr', '0'),), "GLOG_log_dir.*must be set"), \
            ((('GLOG_logtostderr', '0'), ('GLOG_log_dir', '/no/such/dir')), "GLOG_log_dir.*existing.*/no/such/dir"), \
            ((('GLOG_logtostderr', '0'), ('GLOG_log_dir', '/tmp'), ('logger_maxBytes', '-1')), "logger_maxBytes.*'-1'"):
        for var in ENV:
            monkeypatch.delenv(var, raising=False)
        for k, v in env:
            monkeypatch.setenv(k, v)
        logger._global_logger = None
        with pytest.raises(ValueError, match=match):
            logger.get_log_config()


def test_info(capsys, monkeypatch):
    logger.info("hidden at the default level")
    assert capsys.readouterr().err == ""
    logger._global_logger = None
    monkeypatch.setenv('GLOG_v', '1')
    logger.info("epoch: %d, loss %.2f", 3, 0.5)
    err = capsys.readouterr().err
    assert re.match(r"\[INFO\] ME\(\d+:\d+,\w+\):\d{4}-\d\d-\d\d-\d\d:\d\d:\d\d\.\d{3}\.\d{3} "
                    r"\[.*test_log\.py:\d+\] epoch: 3, loss 0\.50\n$", err), err


def test_debug(capsys, monkeypatch):
    monkeypatch.setenv('GLOG_v', '0')
    logger.debug("value %r", 1.5)
    assert "[DEBUG] ME(" in capsys.readouterr().err


def test_warning(capsys):
    logger.warning("careful")
    assert re.search(r"\[WARNING\] ME\(.*\[.*test_log\.py:\d+\] careful", capsys.readouterr().err)


def test_error(tmp_path, monkeypatch):
    monkeypatch.setenv('GLOG_logtostderr', '0')
    monkeypatch.setenv('GLOG_log_dir', str(tmp_path))
    logger.error("broken %s", "pipe")
    for h in logger._get_logger().handlers:
        h.flush()
    text = (tmp_path / 'mindspore.log').read_text()
    assert re.match(r"\[ERROR\] ME\(\d+:\d+,.*\):.* \[.*test_log\.py:\d+\] broken pipe", text)
    for h in list(logger._get_logger().handlers):
        h.close()
        logger._get_logger().removeHandler(h)
