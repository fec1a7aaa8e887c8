"""Ingestion: documents and indicator tables into the store (parse -> chunk -> embed -> store)."""

from .pipeline import FileReport, Pipeline, Report

__all__ = ["FileReport", "Pipeline", "Report"]
