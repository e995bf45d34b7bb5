"""The hook the progress report form calls for "本期数据" (see assistance.views._ledger_figures)."""

from .coverage import report_figure_lines

__all__ = ["report_figure_lines"]
