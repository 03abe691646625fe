# Deployment sketch (not built in CI: this machine has no Docker engine). See compose.yaml.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 SCHOOL_ENV=production BIND=0.0.0.0:8000
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --create-home school && chown -R school /app
USER school
EXPOSE 8000
# Migrations and content load are idempotent, so every start may run them.
CMD ["sh", "-c", "flask --app school init-db && flask --app school content load && gunicorn -c gunicorn.conf.py 'school:create_app()'"]
