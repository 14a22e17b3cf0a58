#!/usr/bin/env python3
"""Recording benchmark (issues 3, 12): the same workloads, in the same run, in alternating rounds,
under a bare pty relay, `script -q`, asciinema and `hrec run` confined (the default) and
`--unconfined`. Prints CPU seconds over the bare pty, wall time as a multiple of the bare pty,
stored size and peak RSS; the `start-up` workload (`true`) shows what confinement adds to start.

    swift build -c release --product hrec
    .venv/bin/python bench/recording.py [--hrec .build/release/hrec] [--runs 3] [--mib 100]
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]


def timed(command, cwd):
    """Runs `command` under GNU time with stdin and stdout away from any terminal."""
    stats = pathlib.Path(cwd) / "time.txt"
    subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", str(stats), *command],
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd, check=False)
    wall, user, system, rss_kib = stats.read_text().split()[-4:]
    return float(wall), float(user) + float(system), int(rss_kib)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hrec", default=str(ROOT / ".build" / "release" / "hrec"))
    parser.add_argument("--asciinema", default=str(ROOT / ".venv" / "bin" / "asciinema"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mib", type=int, default=100)
    args = parser.parse_args()
    work = pathlib.Path(tempfile.mkdtemp(prefix="hrec-bench-"))
    try:
        subprocess.run(["cc", "-O2", "-o", str(work / "barepty"), str(ROOT / "bench" / "barepty.c"), "-lutil"], check=True)
        big = work / "big.txt"
        with open(big, "wb") as out:
            subprocess.run([sys.executable, str(ROOT / "bench" / "agent_session.py"), "--bytes", str(args.mib << 20), "--pace", "0"],
                           stdout=out, check=True)
        workloads = {
            "start-up (true)": "true",
            f"cat {args.mib} MiB": f"cat {big}",
            "2 MB agent session": f"{sys.executable} {ROOT / 'bench' / 'agent_session.py'} --bytes 2000000",
        }
        env = dict(os.environ, XDG_CONFIG_HOME=str(work / "config"), XDG_DATA_HOME=str(work / "data"))
        os.environ.update(env)
        for title, workload in workloads.items():
            raw = subprocess.run(["sh", "-c", workload], capture_output=True).stdout
            recorders = {
                "bare pty": ([str(work / "barepty"), "sh", "-c", workload], None),
                "script -q": (["script", "-q", "-c", workload, str(work / "typescript")], work / "typescript"),
                "asciinema": ([args.asciinema, "rec", "-q", "--overwrite", "-c", workload, str(work / "session.cast")], work / "session.cast"),
                "hrec run": ([args.hrec, "run", "-q", "--journal", str(work / "session.hrec"), "--", "sh", "-c", workload], work / "session.hrec"),
                "hrec --unconfined": ([args.hrec, "run", "-q", "--unconfined", "--journal", str(work / "open.hrec"), "--", "sh", "-c",
                                       workload], work / "open.hrec"),
                "hrec --no-gate": ([args.hrec, "run", "-q", "--no-gate", "--journal", str(work / "bare.hrec"), "--", "sh", "-c", workload],
                                   work / "bare.hrec"),
                "--no-gate --unconf": ([args.hrec, "run", "-q", "--no-gate", "--unconfined", "--journal", str(work / "bare-open.hrec"),
                                        "--", "sh", "-c", workload], work / "bare-open.hrec"),
            }
            timings = {name: [] for name in recorders}
            for _ in range(args.runs):  # alternating rounds: every recorder once per round
                for name, (command, stored) in recorders.items():
                    if stored and stored.exists():
                        stored.unlink()
                    timings[name].append(timed(command, work))
            results = {}
            for name, (command, stored) in recorders.items():
                runs = timings[name]
                wall = sorted(r[0] for r in runs)[len(runs) // 2]
                cpu = sorted(r[1] for r in runs)[len(runs) // 2]
                rss = max(r[2] for r in runs)
                size = stored.stat().st_size if stored and stored.exists() else None
                results[name] = (wall, cpu, rss, size)
            bare_wall, bare_cpu = results["bare pty"][0], results["bare pty"][1]
            print(f"\n{title}: {len(raw):,} bytes of output, median of {args.runs} runs")
            print(f"{'':18} {'CPU s':>7} {'CPU over bare':>14} {'wall s':>7} {'wall/bare':>10} {'stored':>14} {'% of raw':>9} {'peak RSS':>10}")
            for name, (wall, cpu, rss, size) in results.items():
                stored_text = f"{size:,}" if size is not None else "-"
                percent = f"{100 * size / len(raw):.1f}%" if size and raw else "-"
                print(f"{name:18} {cpu:7.2f} {cpu - bare_cpu:+14.2f} {wall:7.2f} {wall / max(bare_wall, 1e-3):10.2f} {stored_text:>14} {percent:>9} {rss / 1024:8.1f} MB")
        print("\ngoals: hrec CPU over bare <= script's; wall <= 1.3x bare; 2 MB session stored in <= 9% of raw; peak RSS <= 20 MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
