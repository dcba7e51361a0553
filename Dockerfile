# One image for both services; compose picks the command. Node 20, workspaces installed once.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY shared/package.json shared/
COPY engine/package.json engine/
COPY gateway/package.json gateway/
COPY widget/package.json widget/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build -w widget
ENV NODE_ENV=production
USER node
CMD ["npm", "run", "start", "-w", "gateway"]
