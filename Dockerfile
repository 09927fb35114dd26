# purchase-emulator image: one emulator process, SQLite state on the /data volume by default.
#   docker build -t purchase-emulator .
#   docker run -d --name emulator -p 127.0.0.1:8080:8080 -v emulator-data:/data purchase-emulator

# --- build stage: the pinned dependencies in a venv (cached unless the lock changes), and the
# package as a wheel (its bundled scenarios, emulator/scenarios/, are package data)
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY requirements.lock ./
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install -r requirements.lock --no-deps
COPY pyproject.toml README.md ./
COPY emulator ./emulator
RUN /opt/venv/bin/pip wheel --no-deps --wheel-dir /wheels .

# --- runtime stage: slim, non-root. The venv of dependencies and the package are separate
# layers, so a code change adds a few megabytes, not another copy of every dependency.
FROM python:3.11-slim
RUN groupadd --system --gid 10001 emulator \
 && useradd --system --uid 10001 --gid emulator --home-dir /data --no-create-home emulator \
 && mkdir -p /data \
 && chown emulator:emulator /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build /wheels /tmp/wheels
RUN /opt/venv/bin/pip install --no-cache-dir --no-index --no-deps /tmp/wheels/*.whl \
 && rm -rf /tmp/wheels
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    EMULATOR_HOST=0.0.0.0 \
    EMULATOR_PORT=8080 \
    EMULATOR_DATABASE_URL=sqlite:////data/emulator.db \
    EMULATOR_LOG_FORMAT=json
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
# The probe reads EMULATOR_HOST/EMULATOR_PORT/EMULATOR_ADMIN_TOKEN as `serve` does.
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=6 \
  CMD ["purchase-emulator", "healthcheck"]
# uvicorn finishes in-flight requests on SIGTERM, then the lifespan closes the database.
STOPSIGNAL SIGTERM
ENTRYPOINT ["purchase-emulator", "serve"]
