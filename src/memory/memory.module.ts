import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { GoalRepository } from '../goal-records/goal.repository';
import { TaskRepository } from '../goal-records/task.repository';
import { HooksModule } from '../hooks/hooks.module';
import { LearnedGoalRepository } from './learned-goal.repository';
import { MemoryEmbeddings } from './memory-embeddings.service';
import { MemoryGraphRepository } from './memory-graph.repository';
import { MemoryGraph } from './memory-graph.service';
import { MemoryKeeper } from './memory-keeper.service';
import { MemoryLearning } from './memory-learning.service';
import { MemoryLessonListener } from './memory-lesson.listener';
import { MemoryRetentionRepository } from './memory-retention.repository';
import { MemorySearch } from './memory-search.service';
import { MemoryStore } from './memory-store.service';
import { MemoryController } from './memory.controller';
import { MemoryRepository } from './memory.repository';
import { MemoryService } from './memory.service';
import { PluginExtensionsModule } from '../plugin-contract/plugin-extensions.module';
import { EmbeddingProviderRegistry } from './embedding-provider-registry';
import { MemoryBackendRegistry } from './memory-backend-registry';
import { PluginEmbeddingProviders } from './plugin-embedding-providers.extension';
import { PluginMemoryBackends } from './plugin-memory-backends.extension';

@Module({
  imports: [EventsModule, PluginExtensionsModule, HooksModule],
  controllers: [MemoryController],
  providers: [
    MemoryRepository,
    MemoryRetentionRepository,
    MemoryGraphRepository,
    LearnedGoalRepository,
    GoalRepository,
    TaskRepository,
    MemoryEmbeddings,
    MemorySearch,
    MemoryStore,
    MemoryGraph,
    MemoryService,
    MemoryLearning,
    MemoryLessonListener,
    MemoryKeeper,
    EmbeddingProviderRegistry,
    MemoryBackendRegistry,
    PluginEmbeddingProviders,
    PluginMemoryBackends,
  ],
  exports: [MemoryService, MemoryLearning],
})
export class MemoryModule {}
