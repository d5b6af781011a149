# The action server: Python 3.11, locked dependencies, the recommender library and the actions.
# torch from PyPI is the CUDA build: the same image serves on an NVIDIA GPU where one is reserved
# (docker-compose.yml's gpu profile) and on the CPU otherwise.
FROM python:3.11-slim
WORKDIR /app
COPY requirements/actions.in requirements/actions.lock requirements/
RUN pip install --no-cache-dir -c requirements/actions.lock -r requirements/actions.in
COPY bot/actions bot/actions
COPY bot/recommender bot/recommender
ENV PYTHONPATH=/app/bot HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONUNBUFFERED=1
WORKDIR /app/bot
RUN useradd --system --uid 10001 concierge
USER concierge
# schema first, then the launcher: token required on every call but GET /health, host and port
# from CONCIERGE_ACTION_HOST / CONCIERGE_ACTION_PORT; a dead worker ends the process (restart policy)
CMD ["sh", "-c", "python -m recommender migrate && exec python -m actions.server"]
