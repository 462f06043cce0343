"""Mutation testing of the rule modules (``make mutation``).

Each module runs through mutmut on its own, from a fresh ``mutants/`` copy of the code: mutmut
runs the module's tests once to see which test reaches which function, then tests every mutant
with only the tests that reach its function, one mutant per core. The table gives each module's
mutants and how many the tests killed; the survivors, with their diffs, go to ``var/mutation/``.

    python tests/mutation/run.py                 every module below
    python tests/mutation/run.py grants/...py    the modules named
    python tests/mutation/run.py --smoke         the CI check: the smoke module must keep its score
"""

import ast
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "var" / "mutation"
RECORDED = Path(__file__).with_name("smoke.json")

# The rule modules, each with the tests that exercise it (mutmut picks, per function, the ones
# among them that reach it).
MODULES = {
    "tenders/services/evaluation/aggregation.py": ["tests/tenders/test_scoring_aggregation.py"],
    "tenders/services/bid_checks.py": [
        "tests/tenders/test_bid_checks.py",
        "tests/tenders/test_bid_submission.py",
        "tests/tenders/test_bid_amounts.py",
        "tests/tenders/test_bid_services.py",
    ],
    "tenders/services/bid_deadline.py": [
        "tests/tenders/test_deadline_rule.py",
        "tests/tenders/test_bid_submission.py",
    ],
    "providers/eligibility.py": ["tests/providers/test_eligibility.py"],
    "tenders/services/evaluation/panel.py": [
        "tests/tenders/test_evaluation_panel.py",
        "tests/tenders/test_evaluation_members.py",
    ],
    "tenders/services/award/decision.py": [
        "tests/tenders/test_award_decision.py",
        "tests/tenders/test_award_four_eyes.py",
    ],
    "tenders/services/award/objection.py": ["tests/tenders/test_award_objections.py"],
    "tenders/services/award/finality.py": ["tests/tenders/test_standstill_finalisation.py"],
    "grants/validation.py": [
        "tests/grants/test_report_validation.py",
        "tests/grants/test_report_entry.py",
    ],
    "grants/services/report_deadlines.py": ["tests/grants/test_deadlines.py"],
    "grants/services/tranche_rules.py": ["tests/grants/test_tranche_rules.py"],
    "grants/services/signing.py": ["tests/grants/test_signing.py"],
    "workflows/runner.py": ["tests/workflows/test_runner.py"],
    "workflows/outbox.py": ["tests/workflows/test_outbox.py"],
    "workflows/sweeps.py": ["tests/workflows/test_sweeps.py"],
    "tenders/sealing/bids.py": [
        "tests/tenders/test_sealed_bids.py",
        "tests/tenders/test_bid_sealing.py",
    ],
    "tenders/services/bid_opening.py": ["tests/tenders/test_opening.py"],
    "workflows/chain.py": ["tests/workflows/test_audit_chain.py"],
    "tenders/opendata/record.py": ["tests/tenders/test_open_data_releases.py"],
    "portal/documents/uploads.py": ["tests/portal/test_documents_uploads.py"],
}

COLUMNS = ("mutants", "killed", "survived", "timed out", "no tests")


def mutate_one(module):
    """In a fresh process: mutate ``module`` and test its mutants (mutmut's own run)."""
    from mutmut import __main__ as mutmut_cli
    from mutmut.configuration import config

    config().only_mutate = [module]
    config().pytest_add_cli_args_test_selection = MODULES[module]
    mutmut_cli._run([], None)


def figures(module):
    """The module's counts and the survivors' diffs, read from mutmut's record of the run."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code

    counts = dict.fromkeys(COLUMNS, 0)
    survivors = []
    meta = json.loads((ROOT / "mutants" / f"{module}.meta").read_text())
    for name, exit_code in sorted(meta["exit_code_by_key"].items()):
        status = status_by_exit_code[exit_code]
        counts["mutants"] += 1
        column = {"killed": "killed", "timeout": "timed out", "no tests": "no tests"}.get(status)
        counts[column or "survived"] += 1
        if column in (None, "no tests"):
            diff = get_diff_for_mutant(name, path=module)
            line = source_line(module, name, diff)
            survivors.append(f"# {module}:{line} {name}: {status}\n{diff}\n")
    detected = counts["killed"] + counts["timed out"]
    counts["score"] = round(100 * detected / counts["mutants"], 1) if counts["mutants"] else 100.0
    return counts, survivors


def source_line(module, name, diff):
    """The line of ``module`` that the mutant changes, from its diff against the function."""
    from mutmut.utils.format_utils import orig_function_and_class_names_from_key

    function, class_name = orig_function_and_class_names_from_key(name)
    function = function.rpartition(".")[2]
    tree = ast.parse((ROOT / module).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            tree = node
            break
    start = next(
        min([node.lineno, *(d.lineno for d in node.decorator_list)])
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == function
    )
    offset = 0
    for text in diff.splitlines():
        if text.startswith("@@"):
            offset = int(text.split()[1].lstrip("-").split(",")[0]) - 1
        elif text.startswith("-") and not text.startswith("---"):
            return start + offset
        elif text.startswith(" "):
            offset += 1
    return start


def run(module):
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    started = time.monotonic()
    subprocess.run([sys.executable, __file__, "--one", module], cwd=ROOT, check=True)
    counts, survivors = figures(module)
    counts["seconds"] = round(time.monotonic() - started)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / (module.replace("/", ".") + ".survivors.txt")).write_text("\n".join(survivors))
    return counts


def table(rows):
    header = ("module", *COLUMNS, "score", "seconds")
    lines = [header] + [
        (module, *(str(c[k]) for k in COLUMNS), f"{c['score']}%", str(c["seconds"]))
        for module, c in rows.items()
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) for line in lines
    )


def main(args):
    os.chdir(ROOT)
    if args[:1] == ["--one"]:
        return mutate_one(args[1])
    smoke = args == ["--smoke"]
    recorded = json.loads(RECORDED.read_text())
    modules = [recorded["module"]] if smoke else (args or list(MODULES))
    started = time.monotonic()
    subprocess.run([sys.executable, str(Path(__file__).with_name("database.py"))], check=True)
    rows = {module: run(module) for module in modules}
    report = table(rows) + f"\n\nwall time {round(time.monotonic() - started)} s"
    print("\n" + report)
    (OUT / "summary.txt").write_text(report + "\n")
    if smoke and rows[recorded["module"]]["score"] < recorded["score"]:
        print(f"{recorded['module']}: score below its recorded {recorded['score']}%")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
