// libsluice-verifiable.so: VerifiableSource and VerifiableSink (the worker derives the aliases
// VerifiableSourceConnector, VerifiableSource, VerifiableSinkConnector and VerifiableSink).
#include <sluice/sdk.h>

#include "connectors/verifiable/verifiable_sink.h"
#include "connectors/verifiable/verifiable_source.h"

using sluice::connectors::VerifiableSinkConnector;
using sluice::connectors::VerifiableSinkTask;
using sluice::connectors::VerifiableSourceConnector;
using sluice::connectors::VerifiableSourceTask;

SLUICE_PLUGIN_LIBRARY("sluice-verifiable", "0.1.0",
                      sluice::source_plugin<VerifiableSourceConnector, VerifiableSourceTask>(
                          sluice::connectors::kVerifiableSourceClass,
                          sluice::connectors::kVerifiableSourceDescription),
                      sluice::sink_plugin<VerifiableSinkConnector, VerifiableSinkTask>(
                          sluice::connectors::kVerifiableSinkClass,
                          sluice::connectors::kVerifiableSinkDescription))
