import { Module } from '@nestjs/common';
import { EvolutionController } from './evolution.controller';
import { Evolver } from './evolver.service';

@Module({ controllers: [EvolutionController], providers: [Evolver], exports: [Evolver] })
export class EvolutionModule {}
