# purchase-emulator image: one emulator process, SQLite state on the /data volume by default.
#   docker build -t purchase-emulator .
#   docker run --rm -p 8080:8080 -v emulator-data:/data purchase-emulator

# --- build stage: resolve and install dependencies into a venv (cached unless the lock changes)
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY requirements.lock ./
# Install the pinned runtime dependencies first so code edits do not bust this layer.
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install -r requirements.lock --no-deps
COPY pyproject.toml README.md ./
COPY emulator ./emulator
RUN /opt/venv/bin/pip install --no-deps .

# --- runtime stage: slim, non-root, scenarios bundled
FROM python:3.11-slim
RUN groupadd --system --gid 10001 emulator \
 && useradd --system --uid 10001 --gid emulator --home-dir /data --no-create-home emulator \
 && mkdir -p /data /app \
 && chown emulator:emulator /data
COPY --from=build /opt/venv /opt/venv
COPY scenarios /app/scenarios
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    EMULATOR_HOST=0.0.0.0 \
    EMULATOR_PORT=8080 \
    EMULATOR_DATABASE_URL=sqlite:////data/emulator.db \
    EMULATOR_SCENARIOS_DIR=/app/scenarios \
    EMULATOR_LOG_FORMAT=json
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=6 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/__admin/health', timeout=2).status != 200)"]
# uvicorn finishes in-flight requests on SIGTERM, then the lifespan closes the database.
STOPSIGNAL SIGTERM
ENTRYPOINT ["purchase-emulator", "serve"]
