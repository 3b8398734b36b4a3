# syntax=docker/dockerfile:1.7
# Bastion node image: the shaded jar built by Maven, run on a JRE as an unprivileged user.
#   docker build -t bastion .
#   docker run -p 8080:8080 -e BASTION_ADMIN_PASSWORD=... bastion

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
# .dockerignore admits only pom.xml, .mvn/, src/main/ and conf/, so unrelated edits do not bust this layer.
COPY . .
# The cache mount keeps ~/.m2 between builds without baking it into a layer.
RUN --mount=type=cache,target=/root/.m2 mvn -B -DskipTests package \
 && mkdir -p conf

# The -noble suffix pins the Ubuntu release underneath the JRE; HEALTHCHECK relies on its wget.
FROM eclipse-temurin:17-jre-noble
ARG BASTION_UID=10001
# A fixed numeric UID so orchestrators can verify runAsNonRoot and volumes can be chowned ahead of time.
RUN groupadd --system --gid "${BASTION_UID}" bastion \
 && useradd --system --uid "${BASTION_UID}" --gid bastion --home-dir /opt/bastion --no-create-home \
      --shell /usr/sbin/nologin bastion \
 && mkdir -p /opt/bastion/data \
 && chown bastion:bastion /opt/bastion/data
WORKDIR /opt/bastion
COPY --from=build /build/target/bastion.jar /opt/bastion/bastion.jar
# conf/bastion.yaml and alert rules; the compose-only Grafana/Prometheus/collector files are excluded.
COPY --from=build /build/conf/ /opt/bastion/conf/
ENV BASTION_NODE_DATA_DIR=/opt/bastion/data
USER bastion:bastion
EXPOSE 8080

# Liveness only: readiness depends on PostgreSQL and Redis, which the image knows nothing about
# (docker-compose.yml checks /health/ready instead). The Temurin Ubuntu images install wget and curl
# themselves (adoptium/containers, 17/jre/ubuntu/noble), so nothing is added here. wget exits non-zero
# on connection errors and on 4xx/5xx. If a future base drops wget, bash's /dev/tcp can replace it:
#   bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 && printf "GET /health/live HTTP/1.0\r\n\r\n" >&3 && head -1 <&3 | grep -q " 200 "'
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD wget -q --tries=1 -T 3 -O /dev/null "http://127.0.0.1:${BASTION_HTTP_PORT:-8080}/health/live" || exit 1

# Replaces the base image's CA-certificate entrypoint: java is PID 1 and receives SIGTERM directly,
# so shutdown hooks drain the node on `docker stop`.
ENTRYPOINT ["java", "-jar", "/opt/bastion/bastion.jar"]
CMD ["serve"]
