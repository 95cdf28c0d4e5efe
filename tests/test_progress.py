"""The progress line: on a terminal only, with the property, its stage and the time."""

from __future__ import annotations

import io
import time

from ruleproof.proving.stages import Stages
from ruleproof.reporting.progress import CLEAR, ProgressLine


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_the_property_and_its_stage_then_a_clear_line() -> None:
    stages, out = Stages(total=3), _Terminal()
    with ProgressLine(stages, out, after=0.0):
        stages.begin("no-guilt", "independent")
        stages.enter("solving")
        time.sleep(0.6)
    text = out.getvalue()
    assert "no-guilt (independent): solving" in text and "[0/3 done]" in text
    assert text.endswith(CLEAR)


def test_nothing_is_written_where_no_terminal_reads() -> None:
    stages, out = Stages(), io.StringIO()
    with ProgressLine(stages, out, after=0.0):
        stages.begin("p", "always")
        time.sleep(0.4)
    assert out.getvalue() == ""


def test_short_properties_show_nothing() -> None:
    stages, out = Stages(), _Terminal()
    with ProgressLine(stages, out, after=30.0):
        stages.begin("p", "always")
        time.sleep(0.4)
        stages.finish()
    assert out.getvalue() == ""
