# The action server: Python 3.11, locked dependencies, the recommender library and the actions.
FROM python:3.11-slim
WORKDIR /app
COPY requirements/actions.in requirements/actions.lock requirements/
RUN pip install --no-cache-dir -c requirements/actions.lock -r requirements/actions.in
COPY bot/actions bot/actions
COPY bot/recommender bot/recommender
ENV PYTHONPATH=/app/bot HF_HUB_OFFLINE=1
WORKDIR /app/bot
CMD ["sh", "-c", "python -m recommender migrate && python -m rasa_sdk --actions actions --port 5055"]
