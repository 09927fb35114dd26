"""The scenarios the emulator knows: every YAML file in the scenarios directories, plus files
named explicitly, kept current by a cheap mtime check on access (no watcher thread).

Names resolve only inside the configured directories: user directories add to the bundled
library (package data, `emulator/scenarios/`) and come first, so a user file named like a
bundled scenario overrides it. A request header can name a scenario but never a path. An edit
that breaks a file is refused with one clear log line and the last valid version stays in force.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from emulator.scenario_engine.loader import Problem, ScenarioError, load_scenario
from emulator.scenario_engine.matching import CompiledScenario, compile_scenario
from emulator.scenario_engine.schema import NAME_PATTERN

log = logging.getLogger("emulator.scenarios")
SUFFIXES = (".yaml", ".yml")
_NAME = re.compile(NAME_PATTERN)


def looks_like_path(ref: str) -> bool:
    return "/" in ref or os.sep in ref or ref.endswith(SUFFIXES)


@dataclass
class _Source:
    path: Path
    signature: tuple[int, int] | None  # (mtime_ns, size) of the version last read
    bundled: bool
    name: str | None = None  # the scenario it provided, once valid


class ScenarioLibrary:
    def __init__(self, dirs: list[Path], bundled_dir: Path | None,
                 operations: Callable[[], Mapping[str, frozenset[str] | None]],
                 reload_interval: float = 1.0) -> None:
        self.dirs = [Path(d) for d in dirs]
        self.bundled_dir = bundled_dir.resolve() if bundled_dir else None
        self.operations = operations
        self.reload_interval = reload_interval
        self._scenarios: dict[str, CompiledScenario] = {}
        self._sources: dict[Path, _Source] = {}
        self._explicit: list[Path] = []
        self.errors: dict[str, list[Problem]] = {}
        self._checked = 0.0
        self._lock = threading.Lock()
        self.generation = 0  # bumped whenever a scenario is (re)installed

    # -- lookups -------------------------------------------------------------------------
    def get(self, name: str) -> CompiledScenario | None:
        return self._scenarios.get(name) if _NAME.match(name) else None

    def all(self) -> list[CompiledScenario]:
        return sorted(self._scenarios.values(), key=lambda s: s.name)

    def overridden(self, compiled: CompiledScenario) -> Path | None:
        """The bundled file a user scenario of the same name hides, if any."""
        if compiled.bundled or self.bundled_dir is None:
            return None
        for suffix in SUFFIXES:
            path = self.bundled_dir / f"{compiled.name}{suffix}"
            if path.is_file() and path != Path(compiled.source):
                return path
        return None

    def resolve(self, ref: str) -> str:
        """A start-up reference (name or file path) → scenario name; ScenarioError if bad."""
        if looks_like_path(ref):
            path = Path(ref).expanduser().resolve()
            if not path.is_file():
                raise ScenarioError([Problem(ref, None, "", "no such scenario file")])
            scenario = load_scenario(path, self.operations())  # raises with file/line/field
            with self._lock:
                if path not in self._explicit:
                    self._explicit.append(path)
                self._install(_Source(path, _signature(path), False), scenario, explicit=True)
            return scenario.name
        self.refresh()
        if not _NAME.match(ref) or ref not in self._scenarios:
            for problems in self.errors.values():  # a named file exists but is invalid
                if problems and Path(problems[0].file).stem == ref:
                    raise ScenarioError(problems)
            known = ", ".join(sorted(self._scenarios)) or "none"
            where = ", ".join(str(d) for d in self.dirs)
            raise ScenarioError([Problem(ref, None, "", f"no scenario named '{ref}' in {where} "
                                                        f"(known: {known})")])
        return ref

    # -- loading -------------------------------------------------------------------------
    def maybe_refresh(self) -> None:
        now = time.monotonic()
        if now - self._checked >= self.reload_interval:
            self.refresh()

    def refresh(self, force: bool = False) -> None:
        """Re-read files whose mtime or size changed; keep the last valid version on error."""
        with self._lock:
            self._checked = time.monotonic()
            seen: set[Path] = set()
            for path in self._explicit:
                seen.add(path)
                self._check(path, bundled=False, explicit=True, force=force)
            for directory in self.dirs:
                bundled = self.bundled_dir is not None and directory.resolve() == self.bundled_dir
                try:
                    entries = sorted(os.scandir(directory), key=lambda e: e.name)
                except OSError:
                    continue
                for entry in entries:
                    if entry.name.endswith(SUFFIXES) and entry.is_file():
                        path = Path(entry.path).resolve()
                        if path not in seen:
                            seen.add(path)
                            self._check(path, bundled=bundled, explicit=False, force=force)

    def _check(self, path: Path, *, bundled: bool, explicit: bool, force: bool) -> None:
        signature = _signature(path)
        source = self._sources.get(path)
        if source is not None and source.signature == signature and not force:
            return
        if signature is None:
            if source is not None and source.name:
                log.warning("scenario file %s disappeared; keeping its last version of '%s'",
                            path, source.name)
                source.signature = None
            return
        source = source or _Source(path, None, bundled)
        source.signature = signature
        self._sources[path] = source
        try:
            scenario = load_scenario(path, self.operations())
        except ScenarioError as exc:
            self.errors[str(path)] = exc.problems
            if source.name:
                log.error("scenario file %s is invalid, keeping the last valid version of '%s': %s",
                          path, source.name, "; ".join(str(p) for p in exc.problems))
            else:
                log.error("scenario file %s is invalid and was not loaded: %s",
                          path, "; ".join(str(p) for p in exc.problems))
            return
        self.errors.pop(str(path), None)
        reloaded = source.name is not None
        self._install(source, scenario, explicit=explicit)
        if reloaded:
            log.info("scenario '%s' reloaded from %s", scenario.name, path)

    def _install(self, source: _Source, scenario, *, explicit: bool) -> None:
        current = self._scenarios.get(scenario.name)
        if current is not None and Path(current.source) != source.path:
            owner = self._sources.get(Path(current.source))
            # earlier directories and explicit files take precedence over later directories
            if not explicit and owner is not None and self._rank(owner.path) < self._rank(source.path):
                return
        source.name = scenario.name
        self._sources[source.path] = source
        self._scenarios[scenario.name] = compile_scenario(scenario, str(source.path), source.bundled)
        self.generation += 1

    def _rank(self, path: Path) -> int:
        if path in self._explicit:
            return -1
        for index, directory in enumerate(self.dirs):
            if path.parent == directory.resolve():
                return index
        return len(self.dirs)


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size
