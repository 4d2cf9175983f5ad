// InitProducerId (key 22) for idempotent producers: a new producer id with epoch 0, or, when a
// v3+ client presents its current id and epoch (KIP-360), the same id with the epoch bumped.
// Transactional ids are refused until broker-lite has a transaction coordinator.
#include "broker-lite/coordinator/producer_id_allocator.h"
#include "broker-lite/server/api_table.h"
#include "broker-lite/server/broker.h"
#include "broker-lite/server/handlers/handler_util.h"
#include "broker-lite/server/kafka_errors.h"

namespace sluice::broker {

void handle_init_producer_id(Broker& broker, const RequestPtr& request) {
  kafka::InitProducerIdRequest req;
  if (!decode_or_close(request, req)) return;
  kafka::InitProducerIdResponse resp;
  if (req.transactional_id && !req.transactional_id->empty()) {
    resp.error_code = kTransactionalIdAuthorizationFailed;
    request->reply(resp);
    return;
  }
  if (req.producer_id >= 0 && req.producer_epoch >= 0 && req.producer_epoch < INT16_MAX - 1) {
    resp.producer_id = req.producer_id;
    resp.producer_epoch = static_cast<int16_t>(req.producer_epoch + 1);
    request->reply(resp);
    return;
  }
  auto id = broker.producer_ids().allocate();
  if (!id) {
    SLUICE_LOG(kError, "init-producer-id", id.status().to_string());
    resp.error_code = kCoordinatorNotAvailable;
  } else {
    resp.producer_id = *id;
    resp.producer_epoch = 0;
  }
  request->reply(resp);
}

}  // namespace sluice::broker
