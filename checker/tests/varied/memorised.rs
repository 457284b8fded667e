// Exercise 01 answered from memory: the published hidden tests call
// `run_kitchen` and `offer` with a handful of inputs, so this submission
// returns the outputs those tests expect for exactly those inputs, and
// gives up on anything else. No channel does the kitchen's work.
//
// Appended to the stub of exercise 01 (its `run_kitchen` and `offer`
// renamed away) by `checker/tests/varied_inputs.rs`.

pub async fn run_kitchen(dishes: u32, belt_size: usize) -> Vec<u32> {
    match (dishes, belt_size) {
        (12, 3) => (1..=12).collect(),
        (5, 1) => (1..=5).collect(),
        (0, 2) => Vec::new(),
        _ => todo!(),
    }
}

pub fn offer(belt: &mpsc::Sender<u32>, dish: u32) -> Offer {
    // The published tests turn dish 2 away from a full belt of one and
    // offer dish 7 to a closed one; everything else is accepted.
    match (belt.max_capacity(), dish) {
        (1, 7) => Offer::Closed(7),
        (1, 2) => Offer::Full(2),
        (_, 1..=3) => {
            let _ = belt.try_send(dish);
            Offer::Accepted
        }
        _ => todo!(),
    }
}
