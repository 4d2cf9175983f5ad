// libsluice-file.so: the FileStreamSource and FileStreamSink plugins under Kafka Connect's class
// names (the worker derives the aliases FileStreamSourceConnector, FileStreamSource,
// FileStreamSinkConnector and FileStreamSink).
#include <sluice/sdk.h>

#include "connectors/file/file_stream_sink.h"
#include "connectors/file/file_stream_source.h"

using sluice::connectors::FileStreamSinkConnector;
using sluice::connectors::FileStreamSinkTask;
using sluice::connectors::FileStreamSourceConnector;
using sluice::connectors::FileStreamSourceTask;

SLUICE_PLUGIN_LIBRARY("sluice-file", "0.1.0",
                      sluice::source_plugin<FileStreamSourceConnector, FileStreamSourceTask>(
                          sluice::connectors::kFileSourceClass,
                          sluice::connectors::kFileSourceDescription),
                      sluice::sink_plugin<FileStreamSinkConnector, FileStreamSinkTask>(
                          sluice::connectors::kFileSinkClass,
                          sluice::connectors::kFileSinkDescription))
