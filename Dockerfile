# The recording worker (and, with another command, the Agora emulator).
FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=dev || npm install --no-audit --no-fund --omit=dev
COPY tsconfig.json ./
COPY src ./src
USER node
CMD ["npx", "tsx", "src/worker.ts"]
